/**
 * The queue-mode cluster the queue benchmarks run on (test/stack): PostgreSQL (n8n's database and the clinic store),
 * Redis, the WhatsApp Cloud API simulator in this process (so the benchmark reads its messages and refusals
 * directly), and n8n main + 2 workers (`--concurrency 5`) + 1 webhook processor with this package, the simulator's
 * WhatsApp credential and the PostgreSQL Clinic Store credential. `measureRun` fires runs of a reminder batch
 * (test/stack/reminder-batch.ts) and reports what the simulator accepted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator, type Simulator } from '../../simulator';
import {
	SIM,
	buildPackage,
	postgresStoreCredential,
	startN8n,
	startPostgres,
	startRedis,
	stopAll,
	type N8nInstance,
	type PgDatabase,
	type PostgresService,
	type ProcessStatus,
	type RedisService,
	whatsAppSimCredential,
} from '../../test/stack';
import { maxInWindow } from '../../test/stack/reminder-batch';

/**
 * n8n's own defaults for Bull's job lock (the e2e stack shortens them so crash tests notice a killed worker in
 * seconds). With a 15 s lock, a worker whose event loop is held 15 s on a loaded machine loses its job: n8n fails
 * the execution as "job stalled more than maxStalledCount" while the worker goes on running it.
 */
const PRODUCTION_QUEUE_LOCKS = {
	QUEUE_WORKER_LOCK_DURATION: '60000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '10000',
	QUEUE_WORKER_STALLED_INTERVAL: '30000',
};

export interface QueueCluster {
	sim: Simulator;
	n8n: N8nInstance;
	store: PgDatabase;
	/** Peak RSS per process seen by `sampleMemory` (MiB). */
	peakRss: Map<string, number>;
	sampleMemory(): Promise<ProcessStatus[]>;
	stop(): Promise<void>;
}

export async function startQueueCluster(options: {
	log: (m: string) => void;
	mps: number;
	latencyMs: number;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	/** Extra environment for the workers. */
	workerEnv?: Record<string, string>;
}): Promise<QueueCluster> {
	const work = mkdtempSync(join(tmpdir(), 'wac-queue-bench-'));
	let postgres: PostgresService | undefined;
	let redis: RedisService | undefined;
	let n8nDb: PgDatabase | undefined;
	let store: PgDatabase | undefined;
	let sim: Simulator | undefined;
	let n8n: N8nInstance | undefined;
	const stop = async () => {
		await n8n?.stop().catch(() => undefined);
		await sim?.close().catch(() => undefined);
		await stopAll().catch(() => undefined);
		await n8nDb?.drop();
		await store?.drop();
		await redis?.stop();
		await postgres?.stop();
		// WAC_KEEP_BENCH_LOGS=1 keeps the n8n logs of every process (n8n*.log) for a post-mortem.
		if (process.env.WAC_KEEP_BENCH_LOGS) options.log(`n8n logs kept in ${work}`);
		else rmSync(work, { recursive: true, force: true });
	};
	try {
		postgres = await startPostgres(options.log);
		redis = await startRedis(options.log);
		n8nDb = await postgres.createDatabase('wac_n8n');
		store = await postgres.createDatabase('wac_store');
		sim = await startSimulator({
			port: 0,
			mps: options.mps,
			latencyMs: options.latencyMs,
			accessToken: SIM.accessToken,
			appSecret: SIM.appSecret,
			autoRead: false,
			quiet: true,
		});
		const built = await buildPackage(join(work, 'package'));
		n8n = await startN8n({
			builtPackage: built,
			logFile: join(work, 'n8n.log'),
			bootTimeoutMs: 900_000,
			env: { N8N_PAYLOAD_SIZE_MAX: '256', ...PRODUCTION_QUEUE_LOCKS, ...(options.env ?? {}) },
			queue: {
				database: n8nDb,
				redis,
				workers: 2,
				concurrency: 5,
				webhookProcessors: 1,
				workerEnv: options.workerEnv,
			},
		});
		options.log(`queue cluster up: ${n8n.processes.map((p) => p.name).join(', ')}; simulator ${sim.url}`);
		await n8n.createCredential(whatsAppSimCredential(sim.url));
		await n8n.createCredential(postgresStoreCredential(store));
		const peakRss = new Map<string, number>();
		const running = n8n;
		return {
			sim,
			n8n: running,
			store,
			peakRss,
			async sampleMemory() {
				const status = await running.status();
				for (const p of status)
					if (Number.isFinite(p.peakRssMb))
						peakRss.set(p.name, Math.max(peakRss.get(p.name) ?? 0, p.peakRssMb));
				return status;
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

export interface RunFigures {
	items: number;
	accepted: number;
	distinct: number;
	lost: number;
	duplicates: number;
	/** 130429 answers the simulator gave (retried inside the node). */
	refused: number;
	/** Error items mentioning a rate limit in the executions' output. */
	rateLimitErrors: number;
	errorItems: number;
	/** Accepted msg/s between the first and the last accepted message. */
	perSecond: number;
	/** Most messages accepted in any 1,000 ms. */
	peakPerSecond: number;
	wallSeconds: number;
	workers: string[];
}

/** POSTs `runs` batches at once and waits until their executions have finished; then counts. */
export async function measureRun(
	cluster: QueueCluster,
	options: {
		path: string;
		workflowId: string;
		runs: number;
		perRun: number;
		base: number;
		timeoutMs: number;
	},
): Promise<RunFigures> {
	const { sim, n8n } = cluster;
	sim.reset();
	await new Promise((r) => setTimeout(r, 1500));
	const before = (await n8n.executions({ workflowId: options.workflowId })).length;
	const prefix = `APPT-${Date.now().toString(36)}`;
	const started = Date.now();
	const sampler = setInterval(() => void cluster.sampleMemory().catch(() => undefined), 2000);
	try {
		await Promise.all(
			Array.from({ length: options.runs }, async (_, r) => {
				const res = await fetch(`${n8n.webhookBaseUrl}webhook/${options.path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({
						count: options.perRun,
						offset: r * options.perRun,
						prefix,
						base: options.base,
					}),
				});
				if (!res.ok) throw new Error(`POST /webhook/${options.path} → ${res.status}`);
			}),
		);
		await n8n.waitForExecutions(options.workflowId, before + options.runs, options.timeoutMs);
	} finally {
		clearInterval(sampler);
	}
	const wallSeconds = (Date.now() - started) / 1000;
	await cluster.sampleMemory();
	const executions = (await n8n.executions({ workflowId: options.workflowId, includeData: true })).slice(
		0,
		options.runs,
	);
	const output = executions.flatMap(
		(e) => e.data?.resultData.runData['Send reminder']?.flatMap((run) => run.data?.main?.[0] ?? []) ?? [],
	);
	const errors = output.filter((o) => o.json.error !== undefined);
	const items = options.runs * options.perRun;
	const expected = new Set(
		Array.from({ length: items }, (_, i) => `55119${String(options.base + i).padStart(8, '0')}`),
	);
	const accepted = sim.messages().filter((m) => expected.has(String(m.to).replace(/\D/g, '')));
	const times = accepted.map((m) => Date.parse(String(m.acceptedAt))).sort((a, b) => a - b);
	const distinct = new Set(accepted.map((m) => String(m.to).replace(/\D/g, ''))).size;
	const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : NaN;
	const workers = new Set<string>();
	for (const e of executions)
		for (const p of n8n.processes)
			if (p.role === 'worker' && new RegExp(`started execution ${e.id}\\b`).test(p.process.tail(400)))
				workers.add(p.name);
	return {
		items,
		accepted: accepted.length,
		distinct,
		lost: items - distinct,
		duplicates: accepted.length - distinct,
		refused: sim.refusals().throughput,
		rateLimitErrors: errors.filter((o) => /130429|rate limit|throughput/i.test(JSON.stringify(o.json.error)))
			.length,
		errorItems: errors.length,
		perSecond: (times.length - 1) / span,
		peakPerSecond: maxInWindow(times),
		wallSeconds,
		workers: [...workers].sort(),
	};
}
