/**
 * n8n queue mode in the dev stack: the processes beside the main instance (`n8n worker --concurrency N` and
 * `n8n webhook`), each with its own user folder holding the package (as on separate machines), its own task-broker
 * port and health port, and every process's status (alive, health endpoint, RSS now and peak).
 *
 *   startN8n({ queue: { database, redis, workers: 2, concurrency: 5, webhookProcessors: 1 } })
 *     → n8n.processes: main, worker-1, worker-2, webhook-1
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { BuiltPackage } from './build';
import { processEnv } from './n8n-env';
import { PACKAGE_NAME } from './paths';
import { freePort, startProcess, waitUntil, type ManagedProcess } from './proc';
import type { PgDatabase, RedisService } from './services';

export interface QueueOptions {
	/** n8n's own database (PostgreSQL). */
	database: PgDatabase;
	redis: RedisService;
	/** `n8n worker` processes (default 2). */
	workers?: number;
	/** `--concurrency` of each worker (default 5). */
	concurrency?: number;
	/** `n8n webhook` processes (default 1); production webhooks go to the first. */
	webhookProcessors?: number;
	/** Extra environment for the workers only (e.g. NODE_OPTIONS with a heap limit). */
	workerEnv?: Record<string, string>;
}

export type ProcessRole = 'main' | 'worker' | 'webhook';

export interface ClusterProcess {
	role: ProcessRole;
	/** main, worker-1, webhook-1 … */
	name: string;
	process: ManagedProcess;
	userFolder: string;
	/** The process's readiness endpoint. */
	healthUrl: string;
	/** The HTTP port it serves (main and webhook processors: n8n; workers: the health check only). */
	port: number;
}

export interface ProcessStatus {
	name: string;
	role: ProcessRole;
	pid: number | undefined;
	alive: boolean;
	/** HTTP status of the readiness endpoint, or the error. */
	health: string;
	/** Resident memory now and at its peak (VmHWM), in MiB. */
	rssMb: number;
	peakRssMb: number;
}

/** A fresh user folder with the built package installed as a community package (a real copy, not a symlink). */
export function userFolderWithPackage(built: BuiltPackage, prefix = 'wac-n8n-'): string {
	const userFolder = mkdtempSync(join(tmpdir(), prefix));
	mkdirSync(join(userFolder, '.n8n', 'nodes', 'node_modules'), { recursive: true });
	cpSync(built.dir, join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME), {
		recursive: true,
		verbatimSymlinks: true,
	});
	return userFolder;
}

/** Ports chosen before main starts (main's WEBHOOK_URL must name the first webhook processor). */
export async function webhookProcessorPorts(queue: QueueOptions): Promise<number[]> {
	return await Promise.all(
		Array.from({ length: queue.webhookProcessors ?? 1 }, async () => await freePort()),
	);
}

function sideLog(logFile: string | undefined, name: string): string | undefined {
	return logFile ? logFile.replace(/(\.log)?$/, `-${name}.log`) : undefined;
}

export interface ClusterSpawnOptions {
	n8nBin: string;
	sharedEnv: Record<string, string>;
	built: BuiltPackage;
	queue: QueueOptions;
	logFile?: string;
}

/** Starts one worker or webhook processor (not waiting for it): its own user folder, broker port and port. */
export async function spawnClusterProcess(
	options: ClusterSpawnOptions,
	role: Exclude<ProcessRole, 'main'>,
	index: number,
	port: number,
	userFolder?: string,
): Promise<ClusterProcess> {
	const name = `${role}-${index}`;
	const folder = userFolder ?? userFolderWithPackage(options.built, `wac-n8n-${name}-`);
	const own: Record<string, string> = {
		N8N_USER_FOLDER: folder,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	};
	const args =
		role === 'worker' ? ['worker', '--concurrency', String(options.queue.concurrency ?? 5)] : ['webhook'];
	if (role === 'worker')
		Object.assign(own, options.queue.workerEnv ?? {}, { QUEUE_HEALTH_CHECK_PORT: String(port) });
	else own.N8N_PORT = String(port);
	const process = startProcess(`n8n ${name}`, options.n8nBin, args, {
		env: processEnv(options.sharedEnv, own),
		cwd: folder,
		logFile: sideLog(options.logFile, name),
	});
	return {
		role,
		name,
		process,
		userFolder: folder,
		port,
		healthUrl: `http://127.0.0.1:${port}/healthz/readiness`,
	};
}

/** Starts the workers and webhook processors and waits until every one is ready. */
export async function startQueueProcesses(
	options: ClusterSpawnOptions & { webhookPorts: number[]; bootTimeoutMs: number },
): Promise<ClusterProcess[]> {
	const started: ClusterProcess[] = [];
	for (let i = 1; i <= (options.queue.workers ?? 2); i++)
		started.push(await spawnClusterProcess(options, 'worker', i, await freePort()));
	for (const [i, port] of options.webhookPorts.entries())
		started.push(await spawnClusterProcess(options, 'webhook', i + 1, port));
	await Promise.all(started.map(async (p) => await waitReady(p, options.bootTimeoutMs)));
	return started;
}

/** Resolves once the process's readiness endpoint answers 200; rejects when it exits first. */
export async function waitReady(p: ClusterProcess, timeoutMs: number): Promise<void> {
	await Promise.race([
		waitUntil(`${p.name} readiness`, async () => (await fetch(p.healthUrl)).ok, timeoutMs, 250),
		p.process.exited.then((code) => {
			throw new Error(`n8n ${p.name} exited (${code}) during boot:\n${p.process.tail(60)}`);
		}),
	]);
}

function procStatusField(pid: number, field: string): number {
	try {
		const line = readFileSync(`/proc/${pid}/status`, 'utf8')
			.split('\n')
			.find((l) => l.startsWith(`${field}:`));
		return line ? Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) / 1024 : NaN;
	} catch {
		return NaN;
	}
}

/** Resident memory (MiB) of a process now (`VmRSS`) and at its peak (`VmHWM`). */
export function memoryOf(pid: number | undefined): { rssMb: number; peakRssMb: number } {
	if (!pid) return { rssMb: NaN, peakRssMb: NaN };
	return { rssMb: procStatusField(pid, 'VmRSS'), peakRssMb: procStatusField(pid, 'VmHWM') };
}

/** Status of every process: alive, readiness, memory. */
export async function clusterStatus(processes: ClusterProcess[]): Promise<ProcessStatus[]> {
	return await Promise.all(
		processes.map(async (p) => {
			const alive = p.process.child.exitCode === null && p.process.child.signalCode === null;
			let health = 'down';
			if (alive) {
				health = await fetch(p.healthUrl, { signal: AbortSignal.timeout(3000) })
					.then((r) => `HTTP ${r.status}`)
					.catch((e: unknown) => `unreachable (${(e as Error).message})`);
			}
			const pid = p.process.child.pid;
			return { name: p.name, role: p.role, pid, alive, health, ...memoryOf(alive ? pid : undefined) };
		}),
	);
}
