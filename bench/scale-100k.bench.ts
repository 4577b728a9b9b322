/**
 * scale-100k (only when named: `npm run bench -- scale-100k`; WAC_SCALE_COUNT=N for a smaller trial): 100,000
 * appointments due 25–45 h ahead in the built-in scheduler on PostgreSQL → workflow 02 (appointment reminders) in
 * queue mode (main + 2 workers + 1 webhook processor; bench/queue/cluster.ts) with one number at 1,000 msg/s and
 * 100 ms Graph latency.
 *
 * Workflow 02 as shipped lists the whole 24–48 h window in ONE execution (listLimit 500): at 100,000 that execution
 * would hold every item. Here it is taken from workflows/02 and paged: "Run reminders now" gets a 15-minute window
 * of appointment start times, so each page is its own execution (~1,000 appointments) that any worker can take; the
 * rest of the workflow runs as shipped (patient language, Send reminder with its consent check, audit), plus
 * Idempotency Key = appointment ID on Send reminder (a re-run or a crashed page never reminds twice).
 *
 * Reported: completes, lost, duplicates, audit chain verifies, wall time (ideal: 100 s), accepted msg/s, peak RSS
 * and CPU seconds of every n8n process, and where the time goes (mean node times of sampled pages).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { openClinicStore, closeAllClinicStores } from '../core/store/open-store';
import type { ClinicStore } from '../core/store/ports';
import { SqlBookingRepository } from '../core/scheduling/repositories/sql';
import '../core/scheduling/schema';
import { TEST_PHI_KEY, type ExecutionSummary, type WorkflowJson, type WorkflowNode } from '../test/stack';
import { auditVerifyWorkflow } from '../test/stack/reminder-batch';
import { startQueueCluster, type QueueCluster } from './queue/cluster';
import type { BenchResult, Benchmark } from './types';

const CAP = 1000;
const PAGE_MINUTES = 15;
const HOUR = 3600_000;

/**
 * Workflow 02 as shipped (list → patient language → Send reminder with consent → audit, in bulk), paged: "Run
 * reminders now" gets a time window from its body, the list takes up to 5,000, and "Send reminder" gets the
 * Idempotency Key (appointment ID), Messages per Second = the cap and the PostgreSQL Clinic Store (shared budget).
 * The 09:00 schedule and the sticky note are left out.
 */
export function pagedReminders(): WorkflowJson {
	const wf = JSON.parse(
		readFileSync(join(__dirname, '..', 'workflows', '02-appointment-reminders.json'), 'utf8'),
	) as WorkflowJson;
	const dropped = new Set(
		wf.nodes
			.filter((n) => ['n8n-nodes-base.stickyNote', 'n8n-nodes-base.scheduleTrigger'].includes(n.type))
			.map((n) => n.name),
	);
	const nodes = wf.nodes.filter((n) => !dropped.has(n.name));
	const byName = (prefix: string): WorkflowNode => {
		const node = nodes.find((n) => n.name.startsWith(prefix));
		if (!node)
			throw new Error(`workflow 02 has no node "${prefix}…" (nodes: ${nodes.map((n) => n.name).join(', ')})`);
		return node;
	};
	const list = byName('List appointments');
	list.parameters = {
		...list.parameters,
		windowStart: '={{ $json.body.from }}',
		windowEnd: '={{ $json.body.to }}',
		listLimit: 5000,
	};
	const send = byName('Send reminder');
	send.parameters = {
		...send.parameters,
		options: {
			...(send.parameters.options as object),
			messagesPerSecond: CAP,
			idempotencyKey: '={{ $json.id }}',
		},
	};
	send.credentials = { ...send.credentials, clinicStoreApi: { name: 'Clinic Store (PostgreSQL)' } };
	const connections = Object.fromEntries(
		Object.entries(wf.connections).filter(([from]) => !dropped.has(from)),
	);
	return { ...wf, name: '02 · Appointment reminders (paged)', nodes, connections };
}

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

const info = (metric: string, value: number, unit: string): BenchResult => ({
	metric,
	value,
	unit,
	target: 'info',
	pass: true,
});

const bench: Benchmark = {
	name: 'scale-100k',
	description: `100,000 due appointments on PostgreSQL → workflow 02 (paged, bulk, Idempotency Key) in queue mode at ${CAP} msg/s`,
	async run(ctx) {
		const total = Number(process.env.WAC_SCALE_COUNT ?? 100_000);
		let cluster: QueueCluster | undefined;
		let store: ClinicStore | undefined;
		try {
			cluster = await startQueueCluster({ log: ctx.log, mps: CAP, latencyMs: 100 });
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
			const workflowId = await n8n.importWorkflow(pagedReminders());
			await n8n.importWorkflow(auditVerifyWorkflow('scale-verify'));

			const pages: Array<{ from: string; to: string }> = [];
			for (let t = Date.now() + 24 * HOUR; t < Date.now() + 48 * HOUR; t += PAGE_MINUTES * 60_000)
				pages.push({
					from: new Date(t).toISOString(),
					to: new Date(t + PAGE_MINUTES * 60_000).toISOString(),
				});
			const cpuBefore = new Map(n8n.processes.map((p) => [p.name, cpuSeconds(p.process.child.pid)]));
			sim.reset();
			const started = Date.now();
			const sampler = setInterval(() => void cluster!.sampleMemory().catch(() => undefined), 2000);
			try {
				for (const page of pages) {
					const res = await fetch(`${n8n.webhookBaseUrl}webhook/clinic-reminders-run`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(page),
					});
					if (!res.ok) throw new Error(`page ${page.from}: HTTP ${res.status}`);
				}
				ctx.log(`${pages.length} pages queued; waiting for them`);
				let last = 0;
				for (;;) {
					const done = (await n8n.executions({ workflowId })).filter(
						(e) => e.status !== 'running' && e.status !== 'new' && e.status !== 'waiting',
					);
					const sent = sim.messages().length;
					if (sent !== last)
						ctx.log(
							`${done.length}/${pages.length} pages done, ${sent} reminders accepted, ${((Date.now() - started) / 1000).toFixed(0)} s`,
						);
					last = sent;
					if (done.length >= pages.length) break;
					if (Date.now() - started > 3 * 3600_000) throw new Error('scale run did not finish in 3 h');
					await new Promise((r) => setTimeout(r, 10_000));
				}
			} finally {
				clearInterval(sampler);
			}
			const wall = (Date.now() - started) / 1000;
			await cluster.sampleMemory();
			const executions = await n8n.executions({ workflowId });
			const failed = executions.filter((e) => e.status !== 'success').length;
			const accepted = sim.messages().filter((m) => m.templateName === 'appointment_reminder');
			const times = accepted.map((m) => Date.parse(String(m.acceptedAt))).sort((a, b) => a - b);
			const distinct = new Set(accepted.map((m) => String(m.to).replace(/\D/g, ''))).size;
			const perSecond = (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000);

			// Where the time goes: mean node time over a sample of pages that sent; why pages failed.
			const nodeMs = new Map<string, number[]>();
			let sampled = 0;
			for (const e of executions) {
				if (sampled >= 6 && e.status === 'success') continue;
				const full = await n8n.api<ExecutionSummary>('GET', `/executions/${e.id}?includeData=true`);
				const result = full.data?.resultData;
				if (e.status !== 'success')
					ctx.log(
						`page execution ${e.id} ${e.status}: ${result?.lastNodeExecuted ?? '?'}: ${JSON.stringify(result?.error ?? {}).slice(0, 600)}`,
					);
				if (!result?.runData['Send reminder'] || sampled >= 6) continue;
				sampled++;
				for (const [name, runs] of Object.entries(result.runData))
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
					metric: 'pages completed (executions)',
					value: executions.length - failed,
					unit: `of ${pages.length}`,
					target: `${pages.length}`,
					pass: failed === 0 && executions.length === pages.length,
				},
				{
					metric: 'lost reminders',
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
				info('wall time, first page queued → last page done (ideal 100 s)', wall, 's'),
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
					info(`mean time per page: ${name}`, list.reduce((a, b) => a + b, 0) / list.length / 1000, 's'),
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
