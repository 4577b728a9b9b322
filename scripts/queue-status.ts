/**
 * `npx tsx scripts/queue-status.ts [--process NAME=URL …] [--pg URL] [--redis URL --prefix PREFIX]`
 *
 * Checks a queue-mode installation (docs/queue-mode.md "Check that it works") and prints:
 * - every n8n process's readiness (main and webhook processors: http://host:N8N_PORT/healthz/readiness; workers with
 *   QUEUE_HEALTH_CHECK_ACTIVE=true: http://host:QUEUE_HEALTH_CHECK_PORT/healthz/readiness);
 * - n8n's Bull queue in Redis (jobs waiting, active, done, failed) when --redis is given;
 * - the clinic store's shared send budget per phone number (when its next free slot is: 0 or less means idle, more
 *   means sends are booked that far ahead), the recipients the pair limit is tracking, and the send claims
 *   (idempotency keys: sent, sending, failed) when --pg (the Clinic Store credential's database) is given.
 * Exit code 1 when a process is not ready or a service cannot be reached.
 */
import { connect } from 'node:net';

import { Client } from 'pg';

function args(name: string): string[] {
	const out: string[] = [];
	for (let i = 2; i < process.argv.length; i++) if (process.argv[i] === name) out.push(process.argv[++i]);
	return out;
}

/** One Redis command over RESP (no client library needed for LLEN / ZCARD). */
async function redis(url: string, command: string[]): Promise<number> {
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
		socket.write(encode(['SELECT', String(db)]) + encode(command));
	});
}

async function main(): Promise<number> {
	let failed = 0;
	const processes = args('--process');
	if (processes.length) console.log('n8n processes');
	for (const spec of processes) {
		const [name, url] = spec.includes('=') ? spec.split(/=(.*)/s) : [spec, spec];
		const health = await fetch(url, { signal: AbortSignal.timeout(3000) })
			.then((r) => (r.ok ? 'ready' : `NOT ready (HTTP ${r.status})`))
			.catch((e: unknown) => `DOWN (${(e as Error).message})`);
		if (health !== 'ready') failed++;
		console.log(`  ${name.padEnd(12)} ${health}  ${url}`);
	}
	const [redisUrl] = args('--redis');
	if (redisUrl) {
		const prefix = args('--prefix')[0] ?? 'bull';
		try {
			const list = async (k: string) => await redis(redisUrl, ['LLEN', `${prefix}:jobs:${k}`]);
			const set = async (k: string) => await redis(redisUrl, ['ZCARD', `${prefix}:jobs:${k}`]);
			console.log(
				`n8n queue (Redis, prefix ${prefix}): waiting ${await list('wait')}, active ${await list('active')}, completed ${await set('completed')}, failed ${await set('failed')}`,
			);
		} catch (error) {
			failed++;
			console.log(`n8n queue (Redis): unreachable (${(error as Error).message})`);
		}
	}
	const [pg] = args('--pg');
	if (pg) {
		const client = new Client({ connectionString: pg });
		try {
			await client.connect();
			const exists = async (table: string) =>
				(await client.query('SELECT to_regclass($1) AS t', [table])).rows[0].t !== null;
			console.log('shared send budget (clinic store)');
			if (!(await exists('clinic_send_budget'))) console.log('  no number has sent through it yet');
			else {
				const { rows } = await client.query(
					`SELECT b.budget_key, b.next_slot_ms - extract(epoch FROM clock_timestamp()) * 1000 AS ahead_ms,
						(SELECT count(*) FROM clinic_send_pairs p WHERE p.budget_key = b.budget_key) AS pairs
					FROM clinic_send_budget b ORDER BY b.budget_key`,
				);
				for (const r of rows) {
					const ahead = Number(r.ahead_ms);
					console.log(
						`  ${r.budget_key}: ${ahead > 0 ? `sends booked ${Math.round(ahead)} ms ahead` : `idle for ${Math.round(-ahead / 1000)} s`}, pair limit tracking ${r.pairs} recipient(s)`,
					);
				}
			}
			if (await exists('clinic_send_claims')) {
				const { rows } = await client.query(
					'SELECT state, count(*) AS n FROM clinic_send_claims GROUP BY state ORDER BY state',
				);
				console.log(
					`send claims (idempotency keys): ${rows.map((r) => `${r.state} ${r.n}`).join(', ') || 'none'}`,
				);
			}
		} catch (error) {
			failed++;
			console.log(`clinic store: unreachable (${(error as Error).message})`);
		} finally {
			await client.end().catch(() => undefined);
		}
	}
	if (!processes.length && !redisUrl && !pg)
		console.log('Nothing to check: pass --process NAME=URL, --redis URL [--prefix P] and/or --pg URL');
	return failed ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
