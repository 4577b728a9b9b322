/**
 * End-to-end harness: a real n8n (pinned, Node 24) with this package installed, driven through the
 * WhatsApp Cloud API simulator. Reusable by benchmarks:
 *
 *   const n8n = await startN8n({ credentials, workflows });   // → { url, apiKey, executions(), stop(), … }
 */
export { buildPackage, type BuiltPackage } from './build';
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
export { REPO_ROOT, N8N_VERSION, CACHE_DIR, N8N_BIN, PACKAGE_NAME } from './paths';
export { SIM, startSim, type SimHandle, type SimOutbound, type SimDelivery } from './sim';
