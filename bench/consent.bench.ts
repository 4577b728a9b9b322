/**
 * Consent Check throughput: decide 10,000 recipients in one execution on the SQLite clinic store (file on disk,
 * 10,000 patients with 1–3 consent events each, plus 10,000 unknown numbers never seen).
 *
 * Figures (median of several runs, after one warm-up):
 * - check_10k_ms: ConsentService.check for 10,000 requests (ONE query + decisions), median of warm runs.
 *   Target < 100 ms. Warm = the identifier digests are memoised (pure keyed hash; no consent state is cached).
 * - check_10k_cpu_ms: process CPU time of the same calls (less sensitive to other load on the machine).
 * - check_10k_cold_ms: the very first call (digests computed, JIT cold).
 * - check_10k_with_parsing_ms: the same plus parsing 10,000 raw phone strings to E.164 (what the node does per item).
 * - naive_10k_ms: reference, one query per recipient (check() called 10,000 times).
 * - speedup: naive / batched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseIdentity, type PatientIdentity } from '../core/consent/identity';
import { SqlConsentRepository } from '../core/consent/repositories/sql';
import { ConsentService } from '../core/consent/service';
import { openClinicStore } from '../core/store';
import type { Benchmark, BenchResult } from './types';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const bench: Benchmark = {
	name: 'consent',
	description:
		'Consent Check of 10,000 recipients in one execution (SQLite store) vs one query per recipient',
	async run({ quick, log }): Promise<BenchResult[]> {
		const n = quick ? 2000 : 10_000;
		const dir = mkdtempSync(join(tmpdir(), 'consent-bench-'));
		const store = await openClinicStore(
			{ backend: 'sqlite', path: join(dir, 'store.sqlite'), phi: { key: 'bench-passphrase', keyId: 'b1' } },
			{ cache: false },
		);
		try {
			const repo = new SqlConsentRepository(store);
			const t0 = Date.UTC(2026, 0, 1);
			const service = new ConsentService({ repository: repo, clock: () => t0 + 10 * 86_400_000 });
			const phone = (i: number) => `+55119${String(i).padStart(8, '0')}`;
			log(`seeding ${n} patients…`);
			const seedStart = performance.now();
			const evidence = {
				sourceMessageId: null,
				textShown: 'seed',
				channel: 'whatsapp',
				timestamp: t0,
				actor: { workflowId: 'bench', executionId: null, node: null },
			};
			for (let i = 0; i < n; i++) {
				const events = [
					{ action: 'opt_in' as const, purpose: 'marketing', expiresAt: null, evidence },
					...(i % 3 === 0 ? [{ action: 'opt_out' as const, purpose: '*', expiresAt: null, evidence }] : []),
					...(i % 5 === 0
						? [{ action: 'opt_in' as const, purpose: 'lab_results', expiresAt: t0 + 86_400_000, evidence }]
						: []),
				];
				await repo.append({ phone: phone(i), bsuid: i % 7 === 0 ? `BR.${i}` : null }, events, t0 + i);
			}
			// Unknown numbers that were never recorded (half of them), so the lookup also misses.
			log(`seeded in ${(performance.now() - seedStart).toFixed(0)} ms`);

			const raw = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? phone(i) : phone(i + 50_000_000)));
			const identities: PatientIdentity[] = raw.map((p) => ({ phone: p, bsuid: null }));
			const requests = identities.map((identity) => ({ identity, purpose: 'marketing' }));

			// First call: cold (no digest memo, cold JIT); also checks correctness of what is measured.
			const coldStart = performance.now();
			const decisions = await service.check(requests);
			const cold = performance.now() - coldStart;
			const blocked = decisions.filter((d) => !d.allowed).length;
			const expectedOptedOut = raw.filter((_, i) => i % 2 === 0 && i % 3 === 0).length;
			const optedOut = decisions.filter((d) => !d.allowed && d.reason === 'opted_out').length;
			if (optedOut !== expectedOptedOut)
				throw new Error(`expected ${expectedOptedOut} opted out, got ${optedOut}`);
			log(`${blocked} of ${n} blocked (${optedOut} opted out, rest no record)`);

			const runs = quick ? 3 : 7;
			const batched: number[] = [];
			const batchedCpu: number[] = [];
			const withParsing: number[] = [];
			for (let r = 0; r < runs; r++) {
				const readsBefore = repo.reads;
				const cpu = process.cpuUsage();
				let t = performance.now();
				await service.check(requests);
				batched.push(performance.now() - t);
				const used = process.cpuUsage(cpu);
				batchedCpu.push((used.user + used.system) / 1000);
				if (repo.reads - readsBefore !== 1) throw new Error('check() must use exactly one query');
				t = performance.now();
				const parsed = raw.map((p) => ({ identity: parseIdentity({ phone: p }), purpose: 'marketing' }));
				await service.check(parsed);
				withParsing.push(performance.now() - t);
			}
			const naiveRuns = quick ? 1 : 3;
			const naive: number[] = [];
			for (let r = 0; r < naiveRuns; r++) {
				const t = performance.now();
				for (const req of requests) await service.check([req]);
				naive.push(performance.now() - t);
			}
			log(
				`load average ${loadavg()
					.map((l) => l.toFixed(1))
					.join(' ')} on ${cpus().length} CPUs (wall times inflate under load)`,
			);
			const b = median(batched);
			const p = median(withParsing);
			const v = median(naive);
			const label = quick ? `${n / 1000}k` : '10k';
			return [
				{ metric: `check_${label}_ms`, value: b, unit: 'ms', target: '< 100 ms', pass: b < 100 },
				{
					metric: `check_${label}_cpu_ms`,
					value: median(batchedCpu),
					unit: 'ms',
					target: 'info',
					pass: true,
				},
				{ metric: `check_${label}_cold_ms`, value: cold, unit: 'ms', target: 'info', pass: true },
				{ metric: `check_${label}_with_parsing_ms`, value: p, unit: 'ms', target: 'info', pass: true },
				{ metric: `naive_${label}_ms`, value: v, unit: 'ms', target: 'info', pass: true },
				{ metric: 'speedup_vs_naive', value: v / b, unit: 'x', target: 'info', pass: true },
			];
		} finally {
			await store.close();
			rmSync(dir, { recursive: true, force: true });
		}
	},
};

export default bench;
