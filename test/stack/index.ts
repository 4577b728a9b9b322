/**
 * The dev stack: a real n8n (pinned, Node 24) with this package installed, driven through the WhatsApp Cloud
 * API simulator. One home for `npm run e2e` (test/e2e), `npm run demo` (scripts/demo.ts) and the benchmarks
 * (bench/); it imports neither scripts/ nor bench/ (test/unit/architecture.test.ts checks).
 *
 *   const stack = await startStack();                          // simulator + n8n + credentials + workflows/*.json
 *   const stack = await startStack({ queue: true });           // the same in queue mode (main, 2 workers, webhook)
 *   const n8n = await startN8n({ credentials, workflows });   // → { url, apiKey, executions(), stop(), … }
 */
export { buildPackage, type BuiltPackage } from './build';
export {
	WORKFLOWS_DIR,
	clinicTrigger,
	shippedWorkflows,
	startStack,
	type QueueServices,
	type Stack,
	type StackOptions,
} from './clinic-stack';
export {
	CREDENTIAL_NAMES,
	TEST_FLOW_KEY_PASSPHRASE,
	TEST_PHI_KEY,
	credentialsFor,
	postgresStoreCredential,
	stackFlowKey,
	whatsAppSimCredential,
} from './credentials';
export { ensureN8nInstalled } from './install';
export {
	startN8n,
	type CredentialSpec,
	type ExecutionSummary,
	type N8nInstance,
	type StartN8nOptions,
	type WorkflowJson,
	type WorkflowNode,
	type WorkflowSpec,
} from './n8n';
export { freePort, sleep, startProcess, stopAll, waitUntil } from './proc';
export {
	clusterStatus,
	memoryOf,
	type ClusterProcess,
	type ProcessRole,
	type ProcessStatus,
	type QueueOptions,
} from './queue';
export {
	startPostgres,
	startRedis,
	type PgDatabase,
	type PostgresService,
	type RedisService,
} from './services';
export { REPO_ROOT, N8N_VERSION, CACHE_DIR, N8N_BIN, PACKAGE_NAME } from './paths';
export { SIM, startSim, type SimHandle, type SimOutbound, type SimDelivery } from './sim';
