/**
 * KPI Report benchmark: the Audit Log node's KPI Report (figures, CSV and the HTML page with its five charts) over
 * 1,000,000 audit entries and 100,000 appointments, < 5 s on SQLite; the same on PostgreSQL when WAC_PG_URL is set
 * (reported, no target). `--quick`: 10,000 entries and 1,000 appointments. The store is filled by bench/kpi/seed.ts.
 * Loading the charting libraries (vega, vega-lite: once per n8n process, when the first report is drawn) is measured
 * apart, before the report, and reported with the sum of both (the first report after n8n starts).
 *
 * For trials: `WAC_KPI_DB=/path/kpi.sqlite` keeps the SQLite store there (and its PHI key beside it, `.key`) and reuses
 * it when it already holds the seeded data, so the million entries are written once; `WAC_KPI_DUMP=/path/prefix`
 * writes the report (without `generatedAt`) and the CSV of each run to `prefix.<backend>.json` / `.csv`, to check that
 * a change leaves the figures identical.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import { verifyAuditChain } from '../core/audit';
import { AUDIT_TABLE } from '../core/audit/schema';
import type { TopLevelSpec } from 'vega-lite';

import { type KpiReport, buildKpiReport, kpiCsv, kpiHtml, renderSvg, storedAppointments } from '../core/kpi';
import { openClinicStore } from '../core/store';
import type { ClinicStore, ClinicStoreConfig } from '../core/store/ports';
import { scratchSchemas } from './pg-schemas';
import {
	ENTRIES_PER_APPOINTMENT,
	type SeedPlan,
	countedEntries,
	plan,
	seededCalls,
	writeAuditLog,
	writeBookings,
} from './kpi/seed';
import { infoRow, loadAverage, notMeasured, timed } from './measure';
import type { BenchContext, BenchResult, Benchmark } from './types';

/** The PHI key: random, or the one kept beside a reused store (WAC_KPI_DB). */
function phiKey(keptAt?: string): { key: string; keyId: string } {
	if (keptAt && existsSync(keptAt)) return { key: readFileSync(keptAt, 'utf8').trim(), keyId: 'bench' };
	const key = randomBytes(32).toString('base64');
	if (keptAt) writeFileSync(keptAt, key, { mode: 0o600 });
	return { key, keyId: 'bench' };
}
/** Monday 2026-03-30 00:00 in São Paulo: the report covers the 13 weeks before. */
const NOW = Date.parse('2026-03-30T03:00:00Z');
const ZONE = 'America/Sao_Paulo';

/** The smallest chart: drawing it loads the charting libraries. */
const TINY_CHART: TopLevelSpec = {
	data: { values: [{ x: 1 }] },
	mark: 'point',
	encoding: { x: { field: 'x', type: 'quantitative' } },
};
let chartsLoaded = false;

/** One full KPI Report as the node runs it: figures, CSV, HTML with charts (and how long the pictures took). */
async function report(store: ClinicStore) {
	const t0 = performance.now();
	const r = await buildKpiReport(store, {
		from: new Date(NOW - 93 * 86_400_000),
		to: new Date(NOW + 2 * 86_400_000),
		timeZone: ZONE,
		appointments: storedAppointments(store),
		now: new Date(NOW),
	});
	const t1 = performance.now();
	const csv = kpiCsv(r.rows);
	const html = await kpiHtml(r, { title: 'Clinic KPI report', charts: true });
	return { r, csv, html, figuresMs: t1 - t0, filesMs: performance.now() - t1 };
}

/** True when the store already holds the seed (WAC_KPI_DB reused). */
async function seeded(store: ClinicStore, appointments: number, entries: number): Promise<boolean> {
	const [b] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM clinic_bookings');
	const [a] = await store.query<{ n: number }>(`SELECT MAX(seq) AS n FROM ${AUDIT_TABLE}`);
	return Number(b?.n) === appointments && Number(a?.n) === entries;
}

async function seed(store: ClinicStore, p: SeedPlan, label: string, ctx: BenchContext): Promise<number> {
	const [some] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM clinic_bookings');
	if (Number(some?.n) > 0)
		throw new Error(
			`${label}: the store holds another or an unfinished seed; delete it (WAC_KPI_DB) and run again`,
		);
	ctx.log(`${label}: writing ${p.bookings.length.toLocaleString('en')} appointments`);
	await writeBookings(store, p);
	ctx.log(
		`${label}: writing ${(p.bookings.length * ENTRIES_PER_APPOINTMENT).toLocaleString('en')} audit entries`,
	);
	return await writeAuditLog(store, p, ctx.log);
}

/** WAC_KPI_DUMP: the report (without the moment it was generated) and its CSV, for before/after comparisons. */
function dump(label: string, r: KpiReport, csv: string): void {
	const prefix = process.env.WAC_KPI_DUMP;
	if (!prefix) return;
	const figures: Partial<KpiReport> = { ...r };
	delete figures.generatedAt;
	writeFileSync(`${prefix}.${label}.json`, JSON.stringify(figures, null, 1));
	writeFileSync(`${prefix}.${label}.csv`, csv);
}

async function suite(
	label: string,
	config: ClinicStoreConfig,
	appointments: number,
	target: boolean,
	ctx: BenchContext,
	reuse = false,
): Promise<BenchResult[]> {
	const store = await openClinicStore(config, { cache: false });
	try {
		const p = plan(appointments, NOW);
		const total = appointments * ENTRIES_PER_APPOINTMENT;
		const reused = reuse && (await seeded(store, appointments, total));
		if (reused) ctx.log(`${label}: reusing the seeded store (WAC_KPI_DB)`);
		const entries = reused ? total : await seed(store, p, label, ctx);
		// vega and vega-lite load once per n8n process, when the first report draws its charts: measured apart (a
		// fixed cost, not a function of the log), the first time only.
		const libraries = chartsLoaded ? null : await timed(async () => await renderSvg(TINY_CHART));
		chartsLoaded = true;
		ctx.log(`${label}: KPI Report`);
		const { ms, cpuMs, value } = await timed(async () => await report(store));
		const { r, csv, html, figuresMs, filesMs } = value;
		if (r.auditEntriesRead !== countedEntries(p))
			throw new Error(`${label}: read ${r.auditEntriesRead} entries, expected ${countedEntries(p)}`);
		const calls = seededCalls(p);
		const t = r.totals;
		if (
			t.callsHandled !== calls.handled ||
			t.callsMissed !== calls.missed ||
			t.callsUnanswered !== calls.unanswered
		)
			throw new Error(
				`${label}: calls ${t.callsHandled}/${t.callsMissed}/${t.callsUnanswered}, expected ${calls.handled}/${calls.missed}/${calls.unanswered}`,
			);
		if ((html.match(/<svg/g) ?? []).length !== 5)
			throw new Error(`${label}: the HTML does not have its 5 charts`);
		dump(label, r, csv);
		ctx.log(
			`${label}: ${r.auditEntriesRead} entries read, ${r.rows.length} rows, ${csv.length} CSV bytes, ${html.length} HTML bytes; no-show ${r.totals.noShowRatePct}%, fill ${r.totals.fillRatePct}%, median reply ${r.totals.responseMedianSeconds} s, calls answered ${r.totals.callAnswerRatePct}%`,
		);
		const figure = `${label} KPI Report, ${entries.toLocaleString('en')} entries + ${appointments.toLocaleString('en')} appointments`;
		const results: BenchResult[] = [
			{
				metric: figure,
				value: ms / 1000,
				unit: 's',
				target: target ? '< 5' : 'info',
				pass: target ? ms < 5000 : true,
			},
			infoRow(`${label} KPI Report, CPU time`, cpuMs / 1000, 's'),
			...(libraries
				? [
						infoRow(
							'loading vega + vega-lite (once per n8n process, before the first charts)',
							libraries.ms / 1000,
							's',
						),
						infoRow(
							`${label} first KPI Report after n8n starts (report + loading vega)`,
							(ms + libraries.ms) / 1000,
							's',
						),
					]
				: []),
			infoRow(`${label} of which figures (read + count)`, figuresMs / 1000, 's'),
			infoRow(`${label} of which CSV + HTML with charts`, filesMs / 1000, 's'),
			infoRow(`${label} KPI Report rate`, (entries / ms) * 1000, 'entries/s'),
		];
		// Reference, same log, same moment: Verify Chain reads every entry too (its own target is < 5 s per million).
		ctx.log(`${label}: Verify Chain of the same log (reference)`);
		const verify = await timed(async () => await verifyAuditChain(store, { pageSize: 10_000 }));
		results.push(
			infoRow(`${label} reference: Verify Chain, same log`, verify.ms / 1000, 's'),
			infoRow(`${label} KPI Report ÷ Verify Chain`, ms / verify.ms, '×'),
		);
		const heap = process.memoryUsage().heapUsed / 1024 / 1024;
		results.push(infoRow(`${label} heap used after the report`, heap, 'MB'));
		return results;
	} finally {
		await store.close();
	}
}

const bench: Benchmark = {
	name: 'kpi',
	description:
		'KPI Report (figures + CSV + HTML with 5 charts) over 1,000,000 audit entries and 100,000 appointments < 5 s on SQLite; Postgres reported when WAC_PG_URL is set',
	async run(ctx) {
		const appointments = ctx.quick ? 1000 : 100_000;
		ctx.log(`load average at start: ${loadAverage()} on ${cpus().length} CPUs`);
		const dir = mkdtempSync(join(tmpdir(), 'wac-kpi-bench-'));
		const results: BenchResult[] = [];
		try {
			const kept = process.env.WAC_KPI_DB;
			const path = kept || join(dir, 'kpi.sqlite');
			const sqlite: ClinicStoreConfig = { backend: 'sqlite', path, phi: phiKey(kept && `${kept}.key`) };
			results.push(...(await suite('sqlite', sqlite, appointments, !ctx.quick, ctx, Boolean(kept))));
			const url = process.env.WAC_PG_URL;
			if (url) {
				const pg = scratchSchemas(url, 'wac_kpi_bench', phiKey());
				try {
					results.push(...(await suite('postgres', await pg.config(), appointments, false, ctx)));
				} catch (error) {
					// The SQLite figures stand; the failure is reported as a failed row.
					ctx.log(`postgres: ${(error as Error).stack ?? String(error)}`);
					results.push({ ...notMeasured(`postgres failed: ${(error as Error).message}`), pass: false });
				} finally {
					await pg.drop().catch(() => undefined);
				}
			} else {
				results.push(notMeasured('postgres (WAC_PG_URL not set)'));
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		ctx.log(`load average at the end: ${loadAverage()}`);
		return results;
	},
};

export default bench;
