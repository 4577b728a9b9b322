/**
 * queue-send: n8n in queue mode (main + 2 workers with --concurrency 5 + 1 webhook processor, PostgreSQL, Redis;
 * bench/queue/cluster.ts), 20,000 appointment reminders (2,000 with --quick) split over 4 executions that run at
 * once on the 2 workers, ONE phone number capped at 80 msg/s by the simulator, 100 ms Graph latency. Two variants in
 * the same run:
 *   (a) shared budget: Send Template at Messages per Second = 80 with the PostgreSQL Clinic Store credential, so
 *       every worker takes its slots from one budget (core/whatsapp/send-budget.ts);
 *   (b) per-process limiters at "cap ÷ workers" (the old advice): Messages per Second = 40, no Clinic Store.
 * Figures per variant: accepted msg/s and % of the cap (first to last accepted message), lost, duplicates, 130429
 * refusals by the simulator (retried inside the node), rate-limit errors surfaced in the output, the busiest
 * 1,000 ms, which workers ran the executions, wall time; and the peak RSS of every n8n process.
 * Targets (issue 15) for (a): ≥ 95 % of the cap, 0 lost, 0 duplicates, 0 rate-limit errors surfaced.
 */
import { bulkRemindersWorkflow } from '../test/stack/reminder-batch';
import { measureRun, startQueueCluster, type QueueCluster, type RunFigures } from './queue/cluster';
import type { BenchResult, Benchmark } from './types';

const CAP = 80;
const RUNS = 4;
const WORKERS = 2;

function rows(label: string, f: RunFigures, targets: boolean): BenchResult[] {
	const pct = (100 * f.perSecond) / CAP;
	const check = (
		metric: string,
		value: number,
		unit: string,
		target: string,
		pass: boolean,
	): BenchResult => ({
		metric: `${label}: ${metric}`,
		value,
		unit,
		target: targets ? target : 'info',
		pass: targets ? pass : true,
	});
	return [
		check('accepted msg/s', f.perSecond, 'msg/s', 'info', true),
		check(`% of the ${CAP} msg/s cap`, pct, '%', '≥ 95', pct >= 95),
		check('lost messages', f.lost, 'msgs', '0', f.lost === 0),
		check('duplicate messages', f.duplicates, 'msgs', '0', f.duplicates === 0),
		check('rate-limit errors surfaced', f.rateLimitErrors, 'items', '0', f.rateLimitErrors === 0),
		{ metric: `${label}: error items`, value: f.errorItems, unit: 'items', target: 'info', pass: true },
		{
			metric: `${label}: 130429 refused (retried in the node)`,
			value: f.refused,
			unit: 'answers',
			target: 'info',
			pass: true,
		},
		{
			metric: `${label}: busiest 1,000 ms (accepted)`,
			value: f.peakPerSecond,
			unit: 'msgs',
			target: 'info',
			pass: true,
		},
		{
			metric: `${label}: workers that ran executions`,
			value: f.workers.length,
			unit: 'workers',
			target: 'info',
			pass: true,
		},
		{ metric: `${label}: wall time`, value: f.wallSeconds, unit: 's', target: 'info', pass: true },
	];
}

const bench: Benchmark = {
	name: 'queue-send',
	description: `queue mode, ${RUNS} executions on ${WORKERS} workers, one number at ${CAP} msg/s: shared send budget vs per-process limiters at cap ÷ workers`,
	async run(ctx) {
		const total = ctx.quick ? 2000 : 20000;
		const perRun = total / RUNS;
		let cluster: QueueCluster | undefined;
		try {
			cluster = await startQueueCluster({ log: ctx.log, mps: CAP, latencyMs: 100 });
			const variants = [
				{
					key: 'shared',
					label: `shared budget (${CAP} msg/s, PostgreSQL Clinic Store)`,
					mps: CAP,
					store: true,
				},
				{
					key: 'per-process',
					label: `per-process limiters (${CAP / WORKERS} msg/s each = cap ÷ ${WORKERS} workers)`,
					mps: CAP / WORKERS,
					store: false,
				},
			];
			const results: BenchResult[] = [];
			let base = 60_000_000;
			// WAC_QUEUE_SEND_VARIANTS=shared (or per-process) runs one variant only (trials).
			const only = process.env.WAC_QUEUE_SEND_VARIANTS?.split(',');
			for (const v of variants.filter((x) => !only || only.includes(x.key))) {
				const path = `queue-send-${v.key}`;
				const wf = bulkRemindersWorkflow({ path, mps: v.mps });
				if (!v.store) delete wf.nodes[2].credentials!.clinicStoreApi;
				const workflowId = await cluster.n8n.importWorkflow(wf);
				const figures = await measureRun(cluster, {
					path,
					workflowId,
					runs: RUNS,
					perRun,
					base,
					timeoutMs: Math.max(300_000, (total / (CAP * 0.5)) * 1000 * 2),
				});
				base += total;
				ctx.log(
					`${v.label}: ${figures.accepted}/${total} accepted (${figures.distinct} patients), ${figures.perSecond.toFixed(1)} msg/s = ${((100 * figures.perSecond) / CAP).toFixed(1)} % of the cap, ${figures.lost} lost, ${figures.duplicates} duplicates, ${figures.refused} refused (130429), ${figures.rateLimitErrors} rate-limit errors surfaced, busiest second ${figures.peakPerSecond}, workers ${figures.workers.join(' + ')}, ${figures.wallSeconds.toFixed(0)} s`,
				);
				results.push(...rows(v.label, figures, v.key === 'shared'));
			}
			for (const [name, mb] of cluster.peakRss)
				results.push({ metric: `peak RSS ${name}`, value: mb, unit: 'MiB', target: 'info', pass: true });
			return results;
		} finally {
			await cluster?.stop();
		}
	},
};

export default bench;
