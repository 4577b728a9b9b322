/**
 * The queue-mode status command (scripts/queue-status/status.ts): a real HTTP server for two processes (one ready,
 * one not), a tiny RESP server for Redis, and a fake SQL client that answers like the Clinic Store's PostgreSQL.
 * Against a real PostgreSQL: test/integration/store/send-budget-pg.test.ts ("status command").
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';

import {
	collectQueueStatus,
	formatQueueStatus,
	statusFailed,
	type SqlQuery,
} from '../../../scripts/queue-status/status';

const listen = async (server: Server | ReturnType<typeof createTcpServer>): Promise<number> =>
	await new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
	);

/** Answers SELECT with +OK and LLEN / ZCARD with fixed counts per key suffix. */
function fakeRedis(counts: Record<string, number>) {
	const seen: string[] = [];
	const server = createTcpServer((socket) => {
		socket.on('data', (chunk) => {
			const parts = chunk
				.toString()
				.split('\r\n')
				.filter((l) => l && !/^[*$]/.test(l));
			const out: string[] = [];
			for (let i = 0; i < parts.length; ) {
				const cmd = parts[i].toUpperCase();
				if (cmd === 'SELECT') {
					out.push('+OK');
					i += 2;
				} else {
					seen.push(`${cmd} ${parts[i + 1]}`);
					out.push(`:${counts[parts[i + 1].split(':').pop()!] ?? 0}`);
					i += 2;
				}
			}
			socket.write(out.map((l) => `${l}\r\n`).join(''));
		});
	});
	return { server, seen };
}

const fakeDb = (): SqlQuery => ({
	async query<R>(sql: string): Promise<R[]> {
		if (sql.includes('to_regclass')) return [{ t: 'exists' }] as R[];
		if (sql.includes('FROM clinic_send_budget'))
			return [
				{
					budget_key: 'https://graph.facebook.com|106540352242922',
					mps: 80,
					ahead_ms: 240.4,
					last_second: 77.6,
					slots_total: '20000',
					pairs: '812',
				},
				{
					budget_key: 'https://graph.facebook.com|2',
					mps: null,
					ahead_ms: -65_200,
					last_second: null,
					slots_total: 8,
					pairs: 0,
				},
			] as R[];
		if (sql.includes('FROM clinic_send_claims'))
			return [
				{ state: 'failed', n: '3' },
				{ state: 'sent', n: '20000' },
			] as R[];
		throw new Error(`unexpected SQL: ${sql}`);
	},
});

describe('queue status command', () => {
	const servers: Array<{ close(): unknown }> = [];
	afterAll(() => servers.forEach((s) => s.close()));

	it('prints each process, the queue, every number’s budget (usage of its cap) and the claims', async () => {
		const http = createHttpServer((req, res) => {
			res.statusCode = req.url === '/ready/healthz/readiness' ? 200 : 503;
			res.end();
		});
		const port = await listen(http);
		const redis = fakeRedis({ wait: 4, active: 10, delayed: 0, failed: 1 });
		const redisPort = await listen(redis.server);
		servers.push(http, redis.server);

		const status = await collectQueueStatus({
			processes: [
				{ name: 'worker-1', url: `http://127.0.0.1:${port}/ready/healthz/readiness` },
				{ name: 'worker-2', url: `http://127.0.0.1:${port}/starting/healthz/readiness` },
			],
			redis: { url: `redis://127.0.0.1:${redisPort}/2`, prefix: 'bull' },
			db: fakeDb(),
		});
		const lines = formatQueueStatus(status);
		expect(lines).toEqual([
			'n8n processes',
			`  worker-1     ready  http://127.0.0.1:${port}/ready/healthz/readiness`,
			`  worker-2     NOT ready (HTTP 503)  http://127.0.0.1:${port}/starting/healthz/readiness`,
			'n8n queue (Redis, prefix bull): waiting 4, active 10, delayed 0, failed 1',
			'shared send budget (clinic store)',
			'  https://graph.facebook.com|106540352242922: 78 of 80 msg/s in the last second, sends booked 240 ms ahead, 20000 slots in total, pair limit tracking 812 recipient(s)',
			'  https://graph.facebook.com|2: cap not recorded yet, idle for 65 s, 8 slots in total, pair limit tracking 0 recipient(s)',
			'send claims (idempotency keys): failed 3, sent 20000',
		]);
		expect(redis.seen).toEqual([
			'LLEN bull:jobs:wait',
			'LLEN bull:jobs:active',
			'ZCARD bull:jobs:delayed',
			'ZCARD bull:jobs:failed',
		]);
		// worker-2 is not ready: the command exits with 1.
		expect(statusFailed(status)).toBe(true);
	});

	it('says what is unreachable instead of throwing', async () => {
		const status = await collectQueueStatus({
			processes: [{ name: 'main', url: 'http://127.0.0.1:1/healthz/readiness' }],
			redis: { url: 'redis://127.0.0.1:1/0', prefix: 'bull' },
			db: {
				query: async () => {
					throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
				},
			},
		});
		const lines = formatQueueStatus(status);
		expect(lines[1]).toMatch(/^ {2}main {9}DOWN \(/);
		expect(lines[2]).toMatch(/^n8n queue \(Redis, prefix bull\): unreachable \(/);
		expect(lines[3]).toBe('clinic store: unreachable (connect ECONNREFUSED 127.0.0.1:5432)');
		expect(statusFailed(status)).toBe(true);
	});

	it('all well: exit code 0', async () => {
		const status = await collectQueueStatus({ processes: [], db: fakeDb() });
		expect(statusFailed(status)).toBe(false);
		expect(formatQueueStatus(status)[0]).toBe('shared send budget (clinic store)');
	});
});
