/**
 * `npm run queue:status -- [--process NAME=URL …] [--redis URL [--prefix PREFIX]] [--pg URL]`
 *
 * Checks a queue-mode installation (docs/queue-mode.md "Check that it works"): every n8n process's readiness, n8n's
 * queue in Redis, the shared send budget per phone number and the send claims in the Clinic Store's PostgreSQL
 * (scripts/queue-status/status.ts). Exit code 1 when a process is not ready or a service cannot be reached.
 */
import { Client } from 'pg';

import { collectQueueStatus, formatQueueStatus, statusFailed, type SqlQuery } from './queue-status/status';

function args(name: string): string[] {
	const out: string[] = [];
	for (let i = 2; i < process.argv.length; i++) if (process.argv[i] === name) out.push(process.argv[++i]);
	return out;
}

async function main(): Promise<number> {
	const processes = args('--process').map((spec) => {
		const [name, url] = spec.includes('=') ? spec.split(/=(.*)/s) : [spec, spec];
		return { name, url };
	});
	const [redisUrl] = args('--redis');
	const [pg] = args('--pg');
	let client: Client | undefined;
	let db: SqlQuery | undefined;
	if (pg) {
		const c = new Client({ connectionString: pg, connectionTimeoutMillis: 5000 });
		client = c;
		const connected = c.connect().then(
			() => true,
			(e: unknown) => e as Error,
		);
		db = {
			async query<R>(sql: string, params?: unknown[]) {
				const ok = await connected;
				if (ok !== true) throw ok;
				return (await c.query(sql, params)).rows as R[];
			},
		};
	}
	try {
		const status = await collectQueueStatus({
			processes,
			redis: redisUrl ? { url: redisUrl, prefix: args('--prefix')[0] ?? 'bull' } : undefined,
			db,
		});
		for (const line of formatQueueStatus(status)) console.log(line);
		return statusFailed(status) ? 1 : 0;
	} finally {
		await client?.end().catch(() => undefined);
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
