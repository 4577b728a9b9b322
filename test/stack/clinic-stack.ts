/**
 * The whole clinic stack used by `npm run e2e` and `npm run demo`: simulator + n8n with the package, the
 * credentials pointing at the simulator, the data table the workflows keep conversation state in, every
 * ship-ready workflow from workflows/*.json imported and published, and the simulator's webhook pointed
 * at the patient-inbox trigger.
 *
 * `queue: true`: n8n in queue mode (main + 2 workers + 1 webhook processor, test/stack/queue.ts) on PostgreSQL and
 * Redis (test/stack/services.ts), with the clinic store on PostgreSQL too.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildPackage } from './build';
import { credentialsFor } from './credentials';
import { FLOW_BOOKING_WORKFLOW, registerBookingFlows } from './flows';
import { startN8n, type N8nInstance, type WorkflowJson } from './n8n';
import { PACKAGE_NAME, REPO_ROOT } from './paths';
import { stopAll, waitUntil } from './proc';
import type { QueueOptions } from './queue';
import {
	startPostgres,
	startRedis,
	type PgDatabase,
	type PostgresService,
	type RedisService,
} from './services';
import { startSim, type SimHandle } from './sim';

export const WORKFLOWS_DIR = join(REPO_ROOT, 'workflows');

export interface Stack {
	sim: SimHandle;
	n8n: N8nInstance;
	work: string;
	loaded: { nodes: string[]; credentials: string[] };
	/** Workflow name → file name, for the workflows imported from workflows/. */
	workflowFiles: Record<string, string>;
	/** Import errors per workflow file (a workflow using a node that does not exist yet, …). */
	importErrors: Record<string, string>;
	inboxWebhookUrl?: string;
	/** Queue mode only: the services and databases behind it. */
	queue?: QueueServices;
	stop(): Promise<void>;
}

export interface QueueServices {
	postgres: PostgresService;
	redis: RedisService;
	/** n8n's own database. */
	n8nDatabase: PgDatabase;
	/** The clinic store's database (the Clinic Store credential points here). */
	storeDatabase: PgDatabase;
}

export interface StackOptions {
	simPort?: number;
	n8nPort?: number;
	keep?: boolean;
	log?: (line: string) => void;
	/** Import workflows/*.json (default true). */
	importWorkflows?: boolean;
	/** Queue mode (true: 2 workers with concurrency 5 and 1 webhook processor). */
	queue?: boolean | Pick<QueueOptions, 'workers' | 'concurrency' | 'webhookProcessors'>;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
}

export function shippedWorkflows(): Array<{ file: string; json: WorkflowJson }> {
	if (!existsSync(WORKFLOWS_DIR)) return [];
	return readdirSync(WORKFLOWS_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			json: JSON.parse(readFileSync(join(WORKFLOWS_DIR, file), 'utf8')) as WorkflowJson,
		}));
}

/** The trigger node of our package in a workflow (the one the simulator's webhook should point at). */
export function clinicTrigger(wf: WorkflowJson) {
	return wf.nodes.find((n) => n.type === `${PACKAGE_NAME}.whatsAppClinicTrigger`);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
	const log = options.log ?? (() => undefined);
	const work = mkdtempSync(join(tmpdir(), 'wac-stack-'));
	let sim: SimHandle | undefined;
	let n8n: N8nInstance | undefined;
	let queue: Partial<QueueServices> | undefined;
	const stop = async () => {
		await n8n?.stop().catch(() => undefined);
		await sim?.stop().catch(() => undefined);
		await stopAll();
		await queue?.n8nDatabase?.drop();
		await queue?.storeDatabase?.drop();
		await queue?.redis?.stop();
		await queue?.postgres?.stop();
		if (!options.keep) rmSync(work, { recursive: true, force: true });
	};
	try {
		if (options.queue) {
			queue = {};
			queue.postgres = await startPostgres(log);
			queue.redis = await startRedis(log);
			queue.n8nDatabase = await queue.postgres.createDatabase('wac_n8n');
			queue.storeDatabase = await queue.postgres.createDatabase('wac_store');
			log(
				`queue mode: PostgreSQL ${queue.postgres.host}:${queue.postgres.port} (n8n: ${queue.n8nDatabase.database}, clinic store: ${queue.storeDatabase.database}), Redis ${queue.redis.host}:${queue.redis.port} prefix ${queue.redis.prefix}`,
			);
		}
		const built = await buildPackage(join(work, 'package'));
		log(`package built: ${built.nodes.length} node(s), ${built.credentials.length} credential(s)`);
		sim = await startSim({
			...(options.simPort !== undefined ? { port: options.simPort } : {}),
			// Like Meta under load: statuses of the last 400 ms arrive in one POST; slow answers are not retried early.
			batchWindowMs: 400,
			webhookTimeoutMs: 30_000,
		});
		log(`simulator at ${sim.url}`);
		const queueShape = typeof options.queue === 'object' ? options.queue : {};
		n8n = await startN8n({
			builtPackage: built,
			port: options.n8nPort,
			logFile: join(work, 'n8n.log'),
			keepUserFolder: options.keep,
			env: options.env,
			...(queue
				? {
						queue: {
							database: queue.n8nDatabase!,
							redis: queue.redis!,
							workers: queueShape.workers ?? 2,
							concurrency: queueShape.concurrency ?? 5,
							webhookProcessors: queueShape.webhookProcessors ?? 1,
						},
					}
				: {}),
		});
		log(
			`n8n at ${n8n.url}${queue ? ` (queue mode: ${n8n.processes.map((p) => `${p.name} :${p.port}`).join(', ')}; webhooks at ${n8n.webhookBaseUrl})` : ''}`,
		);
		// Under load n8n may answer before it has finished registering community package types: wait for them.
		const types = await waitUntil(
			'our node types in /types/nodes.json',
			async () => {
				const t = await n8n!.loadedTypes();
				return built.nodes.length === 0 || t.nodes.length > 0 ? t : undefined;
			},
			60_000,
			1000,
		).catch(async () => await n8n!.loadedTypes());
		const loaded = {
			nodes: types.nodes.map((n) => n.slice(PACKAGE_NAME.length + 1)),
			credentials: types.credentials,
		};
		for (const spec of credentialsFor(sim, n8n.userFolder, loaded.credentials, queue?.storeDatabase))
			await n8n.createCredential(spec);

		const workflowFiles: Record<string, string> = {};
		const importErrors: Record<string, string> = {};
		let inboxWebhookUrl: string | undefined;
		if (options.importWorkflows ?? true) {
			const stub = process.env.WAC_E2E_STUB_MISSING === '1';
			for (const { file, json } of shippedWorkflows()) {
				try {
					if (stub) {
						// Dev aid only: nodes of this package that are not built yet become No-Ops (loudly).
						for (const node of json.nodes) {
							const name = node.type.startsWith(`${PACKAGE_NAME}.`)
								? node.type.slice(PACKAGE_NAME.length + 1)
								: '';
							if (name && !loaded.nodes.includes(name)) {
								log(`STUB: ${file} "${node.name}" (${name}) replaced by a No-Op`);
								node.type = 'n8n-nodes-base.noOp';
								node.typeVersion = 1;
								node.parameters = {};
								delete node.credentials;
							}
						}
					}
					await n8n.importWorkflow(json);
					workflowFiles[json.name] = file;
					const trigger = clinicTrigger(json);
					if (trigger && !inboxWebhookUrl)
						inboxWebhookUrl = n8n.webhookUrl(json.name, trigger.name, 'webhook');
				} catch (e) {
					importErrors[file] = e instanceof Error ? e.message : String(e);
					log(`workflow ${file} not imported: ${importErrors[file]}`);
				}
			}
			if (inboxWebhookUrl) await sim.setCallback(inboxWebhookUrl);
			if (workflowFiles[FLOW_BOOKING_WORKFLOW] && loaded.credentials.includes('whatsAppFlowKeyApi'))
				await registerBookingFlows(sim, n8n, log);
		}
		return {
			sim,
			n8n,
			work,
			loaded,
			workflowFiles,
			importErrors,
			inboxWebhookUrl,
			queue: queue as QueueServices | undefined,
			stop,
		};
	} catch (error) {
		if (n8n) log(n8n.process.tail(40));
		await stop();
		throw error;
	}
}
