/**
 * Audit log benchmark: append throughput (batched per execution vs one transaction per entry) and chain
 * verification of 1,000,000 entries, on SQLite and — beside it — PostgreSQL (WAC_PG_URL, or the throwaway server
 * from scripts/pg-test-server.sh, started here when possible). `--quick` shrinks every size.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AuditEntryInput, appendAuditEntries, verifyAuditChain } from '../core/audit';
import { appendPrepared, prepareEntry } from '../core/audit/chain';
import { AUDIT_LOCK_KEY } from '../core/audit/schema';
import { openClinicStore } from '../core/store';
import type { ClinicStore, ClinicStoreConfig } from '../core/store/ports';
import { scratchSchemas } from './pg-schemas';
import { notMeasured, timed } from './measure';
import type { BenchContext, BenchResult, Benchmark } from './types';

const PHI = { key: randomBytes(32).toString('base64'), keyId: 'bench' };

function entry(i: number): AuditEntryInput {
	return {
		direction: i % 2 ? 'outbound' : 'inbound',
		event: i % 2 ? 'message.sent' : 'message.received',
		patientPhone: `+55119${String(10000000 + (i % 50000)).padStart(8, '0')}`,
		userId: `BR.${100000 + (i % 50000)}`,
		messageId: `wamid.HBgMNTUxMTk4NzY1NDMyMRUCABEYEjQ${i}`,
		template: i % 2 ? 'appointment_reminder' : null,
		purpose: 'appointment-reminder',
		actor: { workflowId: 'wf-42', executionId: `ex-${Math.floor(i / 100)}`, node: 'Audit Log' },
		content: `Olá! Sua consulta está confirmada para amanhã às 14h30 (mensagem ${i}).`,
	};
}

/** Batched: one appendAuditEntries call (= one transaction) per "execution" of `batch` entries. */
async function appendBatched(
	store: ClinicStore,
	total: number,
	batch: number,
	offset = 0,
): Promise<{ rate: number; cpuRate: number }> {
	const { ms, cpuMs } = await timed(async () => {
		for (let i = 0; i < total; i += batch) {
			await appendAuditEntries(
				store,
				Array.from({ length: Math.min(batch, total - i) }, (_, k) => entry(offset + i + k)),
			);
		}
	});
	return { rate: (total / ms) * 1000, cpuRate: (total / cpuMs) * 1000 };
}

/** Fills the log quickly for the verify benchmark: the same prepared entry hashed into `total` chain links. */
async function fill(store: ClinicStore, total: number, log: (m: string) => void): Promise<void> {
	const proto = prepareEntry(entry(1), store.cipher);
	const chunk = 20_000;
	for (let done = 0; done < total; done += chunk) {
		const n = Math.min(chunk, total - done);
		const list = Array.from({ length: n }, (_, k) => ({ ...proto, message_id: `wamid.fill.${done + k}` }));
		await store.transaction(async (tx) => await appendPrepared(tx, list, new Date()), {
			lockKey: AUDIT_LOCK_KEY,
		});
		if ((done / chunk) % 10 === 0) log(`  filled ${done + n}/${total}`);
	}
}

async function suite(
	label: string,
	makeConfig: () => Promise<ClinicStoreConfig>,
	sizes: { batched: number; unbatched: number; verify: number },
	ctx: BenchContext,
	targets: boolean,
): Promise<BenchResult[]> {
	const results: BenchResult[] = [];
	ctx.log(
		`load average at start: ${loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')} on ${cpus().length} CPUs`,
	);
	const store = await openClinicStore(await makeConfig(), { cache: false });
	try {
		ctx.log(`${label}: append ${sizes.batched} entries batched (100 per execution)`);
		await appendBatched(store, Math.min(500, sizes.batched), 100, 10_000_000); // warm-up
		const batched = await appendBatched(store, sizes.batched, 100);
		results.push({
			metric: `${label} append, batched 100/execution`,
			value: batched.rate,
			unit: 'entries/s',
			target: targets ? '≥ 10000' : 'info',
			pass: targets ? batched.rate >= 10_000 : true,
		});
		results.push({
			metric: `${label} append, batched, per CPU-second`,
			value: batched.cpuRate,
			unit: 'entries/s',
			target: 'info',
			pass: true,
		});
		ctx.log(`${label}: append ${sizes.unbatched} entries one transaction each`);
		const unbatched = await appendBatched(store, sizes.unbatched, 1, 20_000_000);
		results.push({
			metric: `${label} append, 1 entry/transaction`,
			value: unbatched.rate,
			unit: 'entries/s',
			target: 'info',
			pass: true,
		});
		results.push({
			metric: `${label} batched ÷ unbatched`,
			value: batched.rate / unbatched.rate,
			unit: '×',
			target: 'info',
			pass: true,
		});
	} finally {
		await store.close();
	}
	const vstore = await openClinicStore(await makeConfig(), { cache: false });
	try {
		ctx.log(`${label}: filling ${sizes.verify} entries for verify`);
		await fill(vstore, sizes.verify, ctx.log);
		ctx.log(`${label}: verify ${sizes.verify}`);
		const { ms, cpuMs, value } = await timed(
			async () => await verifyAuditChain(vstore, { pageSize: 10_000 }),
		);
		if (!value.valid || value.checked !== sizes.verify)
			throw new Error(`${label}: verify failed: ${JSON.stringify(value.broken)}`);
		const per1M = (ms / sizes.verify) * 1_000_000;
		results.push({
			metric: `${label} verify ${sizes.verify.toLocaleString('en')} entries`,
			value: ms / 1000,
			unit: 's',
			target: targets && sizes.verify >= 1_000_000 ? '< 5' : 'info',
			pass: targets && sizes.verify >= 1_000_000 ? ms < 5000 : true,
		});
		if (sizes.verify < 1_000_000) {
			results.push({
				metric: `${label} verify, scaled to 1M`,
				value: per1M / 1000,
				unit: 's',
				target: 'info',
				pass: true,
			});
		}
		results.push({
			metric: `${label} verify, CPU time per 1M`,
			value: (cpuMs / sizes.verify) * 1000,
			unit: 's',
			target: 'info',
			pass: true,
		});
		results.push({
			metric: `${label} verify rate`,
			value: (sizes.verify / ms) * 1000,
			unit: 'entries/s',
			target: 'info',
			pass: true,
		});
	} finally {
		await vstore.close();
	}
	return results;
}

function postgresUrl(ctx: BenchContext): string | null {
	if (process.env.WAC_PG_URL) return process.env.WAC_PG_URL;
	try {
		const script = join(__dirname, '..', 'scripts', 'pg-test-server.sh');
		const out = execFileSync('bash', [script, 'start'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
			timeout: 300_000,
		}).trim();
		const url = /WAC_PG_URL='([^']+)'/.exec(out)?.[1];
		return url || null;
	} catch (error) {
		ctx.log(
			`PostgreSQL not available (${(error as Error).message.split('\n')[0]}); Postgres figures skipped`,
		);
		return null;
	}
}

const bench: Benchmark = {
	name: 'audit',
	description:
		'Audit log: append ≥ 10,000 entries/s batched (SQLite), verify 1,000,000 entries < 5 s; Postgres beside',
	async run(ctx) {
		const dir = mkdtempSync(join(tmpdir(), 'wac-audit-bench-'));
		let n = 0;
		const results: BenchResult[] = [];
		try {
			const sqlite = ctx.quick
				? { batched: 3000, unbatched: 300, verify: 100_000 }
				: { batched: 30_000, unbatched: 2000, verify: 1_000_000 };
			results.push(
				...(await suite(
					'sqlite',
					async () => ({ backend: 'sqlite', path: join(dir, `b${++n}.sqlite`), phi: PHI }),
					sqlite,
					ctx,
					true,
				)),
			);
			const url = postgresUrl(ctx);
			if (url) {
				const schemas = scratchSchemas(url, 'wac_bench', PHI);
				const pg = ctx.quick
					? { batched: 2000, unbatched: 200, verify: 50_000 }
					: { batched: 20_000, unbatched: 1000, verify: 1_000_000 };
				try {
					results.push(...(await suite('postgres', () => schemas.config(), pg, ctx, false)));
				} finally {
					await schemas.drop();
				}
			} else {
				results.push(notMeasured('postgres (not available)'));
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		return results;
	},
};

export default bench;
