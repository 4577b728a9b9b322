/**
 * What `npm run queue:status` (scripts/queue-status.ts) checks and prints for a queue-mode installation
 * (docs/queue-mode.md "Check that it works"): collected by `collectQueueStatus`, printed by `formatQueueStatus`.
 *
 * - every n8n process's readiness (main and webhook processors: http://host:N8N_PORT/healthz/readiness; workers with
 *   QUEUE_HEALTH_CHECK_ACTIVE=true: http://host:QUEUE_HEALTH_CHECK_PORT/healthz/readiness);
 * - n8n's Bull queue in Redis (jobs waiting, active, delayed, failed);
 * - the clinic store's shared send budget per phone number (Messages per Second, slots handed out in the last
 *   1,000 ms, how far ahead sends are booked, recipients the pair limit tracks) and the send claims (idempotency
 *   keys: sent, pending, failed).
 */
import { connect } from 'node:net';

import { budgetStatus, type BudgetStatus } from '../../core/whatsapp/send-budget-sql';

export interface ProcessCheck {
	name: string;
	url: string;
	/** 'ready', or what went wrong. */
	state: string;
	ok: boolean;
}

export interface QueueCounts {
	prefix: string;
	waiting: number;
	active: number;
	delayed: number;
	failed: number;
}

export interface QueueStatus {
	processes: ProcessCheck[];
	queue?: QueueCounts | { prefix: string; error: string };
	budget?: { numbers: BudgetStatus[]; claims: Record<string, number> | null } | { error: string };
}

/** Anything with `query(sql)` → rows (a pg Client or Pool; the script passes a Client). */
export interface SqlQuery {
	query<R>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** One Redis command over RESP (no client library needed for LLEN / ZCARD). */
export async function redisCommand(url: string, command: string[]): Promise<number> {
	const u = new URL(url);
	return await new Promise((resolve, reject) => {
		const socket = connect(Number(u.port || 6379), u.hostname);
		const db = Number(u.pathname.slice(1) || 0);
		const encode = (parts: string[]) =>
			`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
		let buffer = '';
		socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
		socket.on('error', reject);
		socket.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			const lines = buffer.split('\r\n').filter(Boolean);
			if (lines.length < 2) return;
			socket.end();
			const answer = lines[lines.length - 1];
			if (answer.startsWith('-')) reject(new Error(answer.slice(1)));
			else resolve(Number(answer.replace(/^:/, '')));
		});
		const auth = u.password ? encode(['AUTH', decodeURIComponent(u.password)]) : '';
		socket.write(auth + encode(['SELECT', String(db)]) + encode(command));
	});
}

async function checkProcess(name: string, url: string): Promise<ProcessCheck> {
	const state = await fetch(url, { signal: AbortSignal.timeout(3000) })
		.then((r) => (r.ok ? 'ready' : `NOT ready (HTTP ${r.status})`))
		.catch((e: unknown) => `DOWN (${(e as Error).message})`);
	return { name, url, state, ok: state === 'ready' };
}

/** n8n's queue is Bull's "jobs" queue under the prefix (QUEUE_BULL_PREFIX, default bull). */
async function queueCounts(redisUrl: string, prefix: string): Promise<QueueCounts> {
	const key = (k: string) => `${prefix}:jobs:${k}`;
	return {
		prefix,
		waiting: await redisCommand(redisUrl, ['LLEN', key('wait')]),
		active: await redisCommand(redisUrl, ['LLEN', key('active')]),
		delayed: await redisCommand(redisUrl, ['ZCARD', key('delayed')]),
		failed: await redisCommand(redisUrl, ['ZCARD', key('failed')]),
	};
}

async function budgetAndClaims(db: SqlQuery): Promise<QueueStatus['budget']> {
	const exists = async (table: string) =>
		(await db.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table]))[0].t !== null;
	const numbers = (await exists('clinic_send_budget')) ? await budgetStatus(db) : [];
	let claims: Record<string, number> | null = null;
	if (await exists('clinic_send_claims')) {
		const rows = await db.query<{ state: string; n: string }>(
			'SELECT state, count(*) AS n FROM clinic_send_claims GROUP BY state ORDER BY state',
		);
		claims = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
	}
	return { numbers, claims };
}

export async function collectQueueStatus(options: {
	processes: Array<{ name: string; url: string }>;
	redis?: { url: string; prefix: string };
	db?: SqlQuery;
}): Promise<QueueStatus> {
	const status: QueueStatus = {
		processes: await Promise.all(options.processes.map(async (p) => await checkProcess(p.name, p.url))),
	};
	if (options.redis) {
		const { url, prefix } = options.redis;
		status.queue = await queueCounts(url, prefix).catch((e: unknown) => ({
			prefix,
			error: (e as Error).message,
		}));
	}
	if (options.db)
		status.budget = await budgetAndClaims(options.db).catch((e: unknown) => ({
			error: (e as Error).message,
		}));
	return status;
}

/** Something is down or unreachable: the script exits with 1. */
export function statusFailed(status: QueueStatus): boolean {
	return (
		status.processes.some((p) => !p.ok) ||
		(status.queue !== undefined && 'error' in status.queue) ||
		(status.budget !== undefined && 'error' in status.budget)
	);
}

function budgetLine(n: BudgetStatus): string {
	const cap =
		n.mps === null ? 'cap not recorded yet' : `${n.slotsLastSecond} of ${n.mps} msg/s in the last second`;
	const when =
		n.nextSlotInMs > 0
			? `sends booked ${Math.round(n.nextSlotInMs)} ms ahead`
			: `idle for ${Math.round(-n.nextSlotInMs / 1000)} s`;
	return `  ${n.budgetKey}: ${cap}, ${when}, ${n.slotsTotal} slots in total, pair limit tracking ${n.recipientsTracked} recipient(s)`;
}

export function formatQueueStatus(status: QueueStatus): string[] {
	const lines: string[] = [];
	if (status.processes.length) {
		lines.push('n8n processes');
		const width = Math.max(12, ...status.processes.map((p) => p.name.length + 1));
		for (const p of status.processes) lines.push(`  ${p.name.padEnd(width)} ${p.state}  ${p.url}`);
	}
	const q = status.queue;
	if (q && 'error' in q) lines.push(`n8n queue (Redis, prefix ${q.prefix}): unreachable (${q.error})`);
	else if (q)
		lines.push(
			`n8n queue (Redis, prefix ${q.prefix}): waiting ${q.waiting}, active ${q.active}, delayed ${q.delayed}, failed ${q.failed}`,
		);
	const b = status.budget;
	if (b && 'error' in b) lines.push(`clinic store: unreachable (${b.error})`);
	else if (b) {
		lines.push('shared send budget (clinic store)');
		if (!b.numbers.length) lines.push('  no number has sent through it yet');
		for (const n of b.numbers) lines.push(budgetLine(n));
		if (b.claims)
			lines.push(
				`send claims (idempotency keys): ${
					Object.entries(b.claims)
						.map(([state, n]) => `${state} ${n}`)
						.join(', ') || 'none'
				}`,
			);
	}
	if (!lines.length)
		lines.push('Nothing to check: pass --process NAME=URL, --redis URL [--prefix P] and/or --pg URL');
	return lines;
}
