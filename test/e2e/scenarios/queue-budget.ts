/**
 * Queue mode, sends: four reminder runs at once on two workers, one number capped at 20 msg/s by the simulator.
 * With the Clinic Store on PostgreSQL every process takes its slots from the one shared budget: all 200 reminders
 * are accepted, none twice, no 1,000 ms window holds more than 20 accepted, and both workers sent. Departures are
 * spaced so that no 1,000 ms holds more than 20; what the simulator sees also carries each request's jitter between
 * leaving the node and arriving (a busy 2-core machine: tens of ms), so a few arrivals may still be refused with
 * 130429 — they are retried inside the node (none surfaces), and must stay under 5 % of the sends. The same runs
 * without a Clinic Store credential (each worker paces alone at 20) are logged for contrast.
 */
import { randomUUID } from 'node:crypto';

import { waitUntil } from '../../stack/proc';
import { assert, assertEqual, type Scenario } from '../scenario';
import { bulkRemindersWorkflow, maxInWindow, perRecipient, phoneBase, workerOf } from './queue-util';
import { callWebhook, nodeOutput, useWorkflow } from './util';

const CAP = 20;
const RUNS = 4;
const PER_RUN = 50;

async function fourRuns(ctx: Parameters<Scenario['run']>[0], path: string, workflowId: string, base: number) {
	const before = (await ctx.n8n.executions({ workflowId })).length;
	const prefix = `APPT-${randomUUID().slice(0, 8)}`;
	const started = Date.now();
	await Promise.all(
		Array.from({ length: RUNS }, async (_, r) =>
			callWebhook(ctx, path, { count: PER_RUN, offset: r * PER_RUN, prefix, base }),
		),
	);
	const executions = (await ctx.n8n.waitForExecutions(workflowId, before + RUNS, 120_000)).slice(-RUNS);
	return { executions, seconds: (Date.now() - started) / 1000 };
}

export const queueBudgetScenario: Scenario = {
	name: 'queue-budget',
	description: `Queue mode: ${RUNS} runs × ${PER_RUN} reminders on 2 workers, one number capped at ${CAP} msg/s: shared budget → ≤ ${CAP} accepted per 1,000 ms, refusals (retried) under 5 %, 0 lost, 0 duplicates`,
	requires: { nodes: ['whatsAppSendTemplate'], credentials: ['clinicStoreApi'] },
	async run(ctx) {
		const { sim, log } = ctx;
		await sim.control('POST', '/config', { mps: CAP, latencyMs: 100, webhookUrl: '' });
		ctx.defer(async () => {
			await sim.control('POST', '/config', { mps: 80, latencyMs: 0 });
			if (ctx.stack.inboxWebhookUrl) await sim.setCallback(ctx.stack.inboxWebhookUrl);
		});
		const path = `queue-budget-${randomUUID().slice(0, 8)}`;
		const wf = bulkRemindersWorkflow({ path, mps: CAP });
		const workflowId = await useWorkflow(ctx, wf);
		const base = phoneBase();
		const { executions, seconds } = await fourRuns(ctx, path, workflowId, base);
		for (const e of executions) assertEqual(e.status, 'success', `execution ${e.id}`);
		const workers = new Set(executions.map((e) => workerOf(ctx, e.id)));
		log(`executions on ${[...workers].join(', ')}; ${seconds.toFixed(1)} s for ${RUNS * PER_RUN} reminders`);
		assert(
			workers.has('worker-1') && workers.has('worker-2'),
			`both workers ran executions: ${[...workers]}`,
		);

		const messages = await waitUntil(
			'every reminder accepted',
			async () => {
				const list = (await sim.messages()).filter((m) => m.templateName === 'appointment_reminder');
				return list.length >= RUNS * PER_RUN ? list : undefined;
			},
			30_000,
			500,
		);
		const counts = perRecipient(messages);
		const accepted = messages.map((m) => Date.parse(String(m.acceptedAt)));
		const refused = sim.refusals().throughput;
		const peak = maxInWindow(accepted);
		const span = (Math.max(...accepted) - Math.min(...accepted)) / 1000;
		log(
			`shared budget: ${counts.size} patients, ${messages.length} accepted, ${refused} refused (130429), peak ${peak} per 1,000 ms, ${((messages.length - 1) / span).toFixed(1)} msg/s (cap ${CAP})`,
		);
		assertEqual(counts.size, RUNS * PER_RUN, 'patients reminded');
		assertEqual(messages.length, RUNS * PER_RUN, 'messages accepted (no duplicates)');
		assert(
			refused <= 0.05 * RUNS * PER_RUN,
			`130429 refusals (retried) under 5 % of the sends (got ${refused})`,
		);
		const errors = executions.flatMap((e) => nodeOutput(e, 'Send reminder')).filter((o) => o.error);
		assertEqual(errors.length, 0, 'error items (rate-limit errors surfaced)');
		assert(peak <= CAP, `at most ${CAP} accepted in any 1,000 ms (got ${peak})`);

		// Contrast: each worker paces alone (no Clinic Store credential), both at the full cap.
		await sim.reset();
		await sim.control('POST', '/config', { mps: CAP, latencyMs: 100, webhookUrl: '' });
		const alonePath = `${path}-alone`;
		const alone = bulkRemindersWorkflow({ path: alonePath, mps: CAP });
		delete alone.nodes[2].credentials!.clinicStoreApi;
		alone.name += ' (per-process limiters)';
		const aloneId = await useWorkflow(ctx, alone);
		const contrast = await fourRuns(ctx, alonePath, aloneId, base + RUNS * PER_RUN);
		const aloneAccepted = (await sim.messages()).map((m) => Date.parse(String(m.acceptedAt)));
		log(
			`per-process limiters at ${CAP} each: ${sim.refusals().throughput} refused (130429, retried inside the node), peak ${maxInWindow(aloneAccepted)} per 1,000 ms, ${contrast.seconds.toFixed(1)} s`,
		);
	},
};
