/**
 * scale-100k (only when named: `npm run bench -- scale-100k`; WAC_SCALE_COUNT=N for a smaller trial): 100,000
 * appointments due 25–45 h ahead in the built-in scheduler on PostgreSQL → workflow 10 (appointment reminders in
 * pages) in queue mode (main + 2 workers + 1 webhook processor; bench/queue/cluster.ts) with one number at
 * 1,000 msg/s and 100 ms Graph latency.
 *
 * Workflow 02 lists the whole 24–48 h window in ONE execution, up to its Limit of 500 (List Appointments warns when
 * the Limit cuts the list): at 100,000 that execution would have to hold every item. Workflow 10 runs it paged
 * (bench/queue/paged-reminders.ts splits the shipped JSON into its two parts and adds the benchmark's levers): a
 * coordinator cuts the window into 15-minute pages (WAC_SCALE_PAGE_MINUTES) and calls a page webhook per page, so
 * each page is its own execution (~1,250 appointments) that any worker can take, and runs a failed page again once
 * every page has answered (after 20 s, then 60 s); each page runs workflow 02's steps (list, patient language, Send
 * reminder with its consent check, audit) plus Idempotency Key = appointment ID + start (running a page again never
 * reminds twice).
 * Page executions keep no data when they succeed (n8n's saveDataSuccessExecution = none), except every 13th,
 * sampled for where the time goes.
 *
 * Reported: completes, lost, duplicates, audit chain verifies, wall time (ideal: 100 s), accepted msg/s, peak RSS
 * and CPU seconds of every n8n process, and where the time goes (mean node times of sampled pages).
 */
import { readFileSync } from 'node:fs';

import { openClinicStore, closeAllClinicStores } from '../core/store/open-store';
import type { ClinicStore } from '../core/store/ports';
import { SqlBookingRepository } from '../core/scheduling/repositories/sql';
import '../core/scheduling/schema';
import { CREDENTIAL_NAMES, TEST_PHI_KEY, type ExecutionSummary } from '../test/stack';
import { auditVerifyWorkflow } from '../test/stack/reminder-batch';
import { startQueueCluster, type QueueCluster } from './queue/cluster';
import { coordinatorWorkflow, pageWorkflow, PAGE_PATH, RUN_PATH } from './queue/paged-reminders';
import { infoRow as info } from './measure';
import type { BenchResult, Benchmark } from './types';

const CAP = 1000;
const PAGE_MINUTES = Number(process.env.WAC_SCALE_PAGE_MINUTES ?? 15);
/** Every 13th page keeps its execution data (about 6 spread over the run), for where the time goes. */
const SAMPLE_EVERY = 13;
/** The page whose first try fails on purpose (0: none). */
const FAIL_PAGE = Number(process.env.WAC_SCALE_FAIL_PAGE ?? 40);
/** Stop waiting after this many minutes and report what was done by then (the run then fails). */
const DEADLINE_MIN = Number(process.env.WAC_SCALE_DEADLINE_MIN ?? 180);
/** Old-space limit of each worker's heap (MiB). */
const HEAP_MB = Number(process.env.WAC_SCALE_WORKER_HEAP_MB ?? 640);
const HOUR = 3600_000;

/** `count` booked appointments 25–45 h from now: practitioners × 30-minute slots, one patient each. */
async function seed(store: ClinicStore, count: number, log: (m: string) => void): Promise<number> {
	const repo = new SqlBookingRepository(store, 'default');
	const first = Math.ceil((Date.now() + 25 * HOUR) / 1800_000) * 1800_000;
	const slots = 40; // 20 hours of 30-minute slots per practitioner
	const now = Date.now();
	let next = 0;
	const started = Date.now();
	const worker = async () => {
		for (let i = next++; i < count; i = next++) {
			// Each practitioner's slots start at another minute, so every 15-minute page holds about the same number.
			const practitioner = Math.floor(i / slots);
			const startMs = first + (i % slots) * 1800_000 + (practitioner % 30) * 60_000;
			await repo.insertIfFree(
				{
					id: `apt-scale-${i}`,
					practitionerId: `p-${practitioner}`,
					serviceId: 'consultation',
					startMs,
					endMs: startMs + 1800_000,
					status: 'booked',
					patient: { name: `Patient ${i}`, phone: `+55119${String(70_000_000 + i)}` },
					createdAtMs: now,
					updatedAtMs: now,
				},
				0,
			);
			if (i % 20_000 === 0 && i)
				log(`seeded ${i} appointments (${((Date.now() - started) / 1000).toFixed(0)} s)`);
		}
	};
	await Promise.all(Array.from({ length: 12 }, worker));
	return (Date.now() - started) / 1000;
}

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSeconds(pid: number | undefined): number {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return NaN;
	}
}

const bench: Benchmark = {
	name: 'scale-100k',
	description: `100,000 due appointments on PostgreSQL → workflow 10 (paged reminders: bulk, Idempotency Key) in queue mode at ${CAP} msg/s`,
	async run(ctx) {
		const total = Number(process.env.WAC_SCALE_COUNT ?? 100_000);
		let cluster: QueueCluster | undefined;
		let store: ClinicStore | undefined;
		try {
			cluster = await startQueueCluster({
				log: ctx.log,
				mps: CAP,
				latencyMs: 100,
				// A worker's heap holds its running pages (≈ concurrency × page); without a limit V8 collects lazily
				// and RSS grows towards the default limit (a quarter of RAM, ≤ 4 GB) long before it needs to.
				workerEnv: { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
			});
			const { sim, n8n } = cluster;
			const db = cluster.store;
			store = await openClinicStore({
				backend: 'postgres',
				host: db.host,
				port: db.port,
				database: db.database,
				user: db.user,
				password: db.password,
				maxConnections: 12,
				phi: { key: TEST_PHI_KEY, keyId: 'key-1' },
			});
			const seedSeconds = await seed(store, total, ctx.log);
			ctx.log(`seeded ${total} appointments in ${seedSeconds.toFixed(0)} s`);
			const pageUrl = `${n8n.webhookBaseUrl}webhook/${PAGE_PATH}`;
			const pageId = await n8n.importWorkflow(
				pageWorkflow({ path: PAGE_PATH, mps: CAP, storeCredential: CREDENTIAL_NAMES.storePostgres }),
			);
			// Every SAMPLE_EVERY-th page goes to a copy that keeps its execution data (node times); the rest keep none.
			const sampledId = await n8n.importWorkflow(
				pageWorkflow({
					path: `${PAGE_PATH}-sampled`,
					mps: CAP,
					storeCredential: CREDENTIAL_NAMES.storePostgres,
					saveSuccessData: true,
				}),
			);
			const coordinatorId = await n8n.importWorkflow(
				// One page's first try fails on purpose, to show the coordinator running it again.
				coordinatorWorkflow({ sampleEvery: SAMPLE_EVERY, failPage: FAIL_PAGE }),
			);
			await n8n.importWorkflow(auditVerifyWorkflow('scale-verify'));

			const from = Date.now() + 24 * HOUR;
			const pageCount = Math.ceil((24 * 60) / PAGE_MINUTES);
			const cpuBefore = new Map(n8n.processes.map((p) => [p.name, cpuSeconds(p.process.child.pid)]));
			sim.reset();
			const started = Date.now();
			const sampler = setInterval(() => void cluster!.sampleMemory().catch(() => undefined), 2000);
			let coordinator: ExecutionSummary | undefined;
			let stoppedEarly = false;
			try {
				const res = await fetch(`${n8n.webhookBaseUrl}webhook/${RUN_PATH}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({
						from: new Date(from).toISOString(),
						to: new Date(from + 24 * HOUR).toISOString(),
						pageMinutes: PAGE_MINUTES,
						pageUrl,
					}),
				});
				if (!res.ok) throw new Error(`POST ${RUN_PATH}: HTTP ${res.status}`);
				ctx.log(`coordinator started: ${pageCount} pages of ${PAGE_MINUTES} minutes`);
				let last = -1;
				for (;;) {
					[coordinator] = await n8n.executions({ workflowId: coordinatorId });
					const sent = sim.messages().length;
					if (sent !== last) {
						const failedPages = (await n8n.executions({ workflowId: pageId })).filter(
							(e) => e.status === 'error' || e.status === 'crashed',
						).length;
						ctx.log(
							`${sent} reminders accepted, ${failedPages} page execution(s) failed so far, ${((Date.now() - started) / 1000).toFixed(0)} s`,
						);
					}
					last = sent;
					if (coordinator && !['running', 'new', 'waiting'].includes(coordinator.status)) break;
					if (Date.now() - started > DEADLINE_MIN * 60_000) {
						stoppedEarly = true;
						ctx.log(`stopped waiting after ${DEADLINE_MIN} min (WAC_SCALE_DEADLINE_MIN): partial figures`);
						break;
					}
					await new Promise((r) => setTimeout(r, 10_000));
				}
			} finally {
				clearInterval(sampler);
			}
			const wall = (Date.now() - started) / 1000;
			await cluster.sampleMemory();
			const accepted = sim.messages().filter((m) => m.templateName === 'appointment_reminder');
			const times = accepted.map((m) => Date.parse(String(m.acceptedAt))).sort((a, b) => a - b);
			const distinct = new Set(accepted.map((m) => String(m.to).replace(/\D/g, ''))).size;
			const perSecond = (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);

			// The coordinator: pages per try, pages that failed every try.
			const run = (await n8n.api<ExecutionSummary>('GET', `/executions/${coordinator!.id}?includeData=true`))
				.data?.resultData;
			const itemsOf = (node: string) =>
				(run?.runData[node] ?? []).reduce(
					(sum, r) => sum + ((r as { data?: { main?: unknown[][] } }).data?.main?.[0]?.length ?? 0),
					0,
				);
			const pagesRun = itemsOf('Pages');
			const retried = itemsOf('Run page again (try 2)');
			const retriedTwice = itemsOf('Run page again (try 3)');
			const gaveUp = itemsOf('Page failed 3 times?');
			if (coordinator!.status !== 'success')
				ctx.log(
					`coordinator ${coordinator!.status}: ${run?.lastNodeExecuted ?? '?'}: ${JSON.stringify(run?.error ?? {}).slice(0, 600)}`,
				);

			// Why page executions failed (n8n keeps failed ones), and where the time goes in the sampled pages.
			const failedPages = (await n8n.executions({ workflowId: pageId }))
				.concat(await n8n.executions({ workflowId: sampledId }))
				.filter((e) => e.status !== 'success');
			for (const e of failedPages.slice(0, 10)) {
				const full = await n8n.api<ExecutionSummary>('GET', `/executions/${e.id}?includeData=true`);
				const result = full.data?.resultData;
				ctx.log(
					`page execution ${e.id} ${e.status}: ${result?.lastNodeExecuted ?? '?'}: ${JSON.stringify(result?.error ?? {}).slice(0, 400)}`,
				);
			}
			const nodeMs = new Map<string, number[]>();
			for (const e of await n8n.executions({ workflowId: sampledId })) {
				if (e.status !== 'success') continue;
				const full = await n8n.api<ExecutionSummary>('GET', `/executions/${e.id}?includeData=true`);
				for (const [name, runs] of Object.entries(full.data?.resultData.runData ?? {}))
					nodeMs.set(name, [
						...(nodeMs.get(name) ?? []),
						runs.reduce((sum, r) => sum + ((r as { executionTime?: number }).executionTime ?? 0), 0),
					]);
			}
			const verify = await fetch(`${n8n.webhookBaseUrl}webhook/scale-verify`, { method: 'POST' }).then(
				async (r) => (await r.json()) as { valid?: boolean; checked?: number },
			);
			const claims = await store.query<{ state: string; n: number }>(
				'SELECT state, count(*) AS n FROM clinic_send_claims GROUP BY state',
			);
			ctx.log(
				`claims: ${claims.map((c) => `${c.state} ${c.n}`).join(', ')}; chain ${JSON.stringify(verify).slice(0, 160)}`,
			);

			const rows: BenchResult[] = [
				{
					metric: 'coordinator finished, every page sent',
					value: pagesRun - gaveUp,
					unit: `of ${pageCount} pages`,
					target: `${pageCount}`,
					pass: coordinator!.status === 'success' && gaveUp === 0 && pagesRun === pageCount,
				},
				info(
					'page executions that failed (then run again by the coordinator)',
					failedPages.length,
					'executions',
				),
				info('pages run a second time', retried, 'pages'),
				info('pages run a third time', retriedTwice, 'pages'),
				{
					metric: stoppedEarly ? 'not sent when the run was stopped early' : 'lost reminders',
					value: total - distinct,
					unit: 'msgs',
					target: '0',
					pass: total === distinct,
				},
				{
					metric: 'duplicate reminders',
					value: accepted.length - distinct,
					unit: 'msgs',
					target: '0',
					pass: accepted.length === distinct,
				},
				{
					metric: 'audit chain verifies (entries checked)',
					value: Number(verify.checked ?? 0),
					unit: 'entries',
					target: 'valid',
					pass: verify.valid === true,
				},
				info('wall time, coordinator started → last page done (ideal 100 s)', wall, 's'),
				info('accepted msg/s', perSecond, 'msg/s'),
				info(`% of the ${CAP} msg/s cap`, (100 * perSecond) / CAP, '%'),
				info('130429 refused (retried in the node)', sim.refusals().throughput, 'answers'),
				info('seeding 100k bookings (insertIfFree, 12 at once)', seedSeconds, 's'),
			];
			for (const [name, mb] of cluster.peakRss) rows.push(info(`peak RSS ${name}`, mb, 'MiB'));
			for (const p of n8n.processes)
				rows.push(
					info(`CPU ${p.name}`, cpuSeconds(p.process.child.pid) - (cpuBefore.get(p.name) ?? NaN), 's'),
				);
			for (const [name, list] of nodeMs)
				rows.push(
					info(
						`mean time per sampled page (${list.length}): ${name}`,
						list.reduce((a, b) => a + b, 0) / list.length / 1000,
						's',
					),
				);
			return rows;
		} catch (error) {
			ctx.log(`failed: ${(error as Error).stack ?? String(error)}`);
			throw error;
		} finally {
			void store;
			await closeAllClinicStores().catch(() => undefined);
			await cluster?.stop();
		}
	},
};

export default bench;
