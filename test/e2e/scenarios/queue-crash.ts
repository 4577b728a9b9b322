/**
 * Queue mode, a worker crash mid-batch: a reminder run (120 appointments, Idempotency Key = appointment ID, Audit to
 * Store, 10 msg/s) is running on a worker when that worker is killed with SIGKILL. The run is started again and
 * finishes on the other worker while the killed one restarts. No patient gets a reminder twice; the restarted run
 * skips every reminder the crashed one sent (already-sent) and the few it left undecided (outcome-unknown: at most
 * its concurrency), sends the rest, and the audit log's hash chain still verifies.
 */
import { randomUUID } from 'node:crypto';

import { waitUntil } from '../../stack/proc';
import { auditVerifyWorkflow } from '../../stack/reminder-batch';
import { assert, assertEqual, type Scenario } from '../scenario';
import { bulkRemindersWorkflow, perRecipient, phoneBase, workerOf } from './queue-util';
import { callWebhook, nodeOutput, useWorkflow } from './util';

const COUNT = 120;
const MPS = 10;
/** Sends a run with Idempotency Keys keeps claimed at once (nodes/shared/send.ts): max(8, mps / 2). */
const CONCURRENCY = Math.max(8, Math.ceil(MPS / 2));

export const queueCrashScenario: Scenario = {
	name: 'queue-crash',
	description: `Queue mode: kill -9 of the worker running a ${COUNT}-reminder batch, run restarted → no reminder twice (Idempotency Key), undecided ≤ ${CONCURRENCY}, audit chain verifies`,
	requires: { nodes: ['whatsAppSendTemplate', 'auditLog'], credentials: ['clinicStoreApi'] },
	async run(ctx) {
		const { sim, n8n, log } = ctx;
		await sim.control('POST', '/config', { mps: 80, latencyMs: 100, webhookUrl: '' });
		ctx.defer(async () => {
			await sim.control('POST', '/config', { latencyMs: 0 });
			if (ctx.stack.inboxWebhookUrl) await sim.setCallback(ctx.stack.inboxWebhookUrl);
		});
		const path = `queue-crash-${randomUUID().slice(0, 8)}`;
		const workflowId = await useWorkflow(
			ctx,
			bulkRemindersWorkflow({ path, mps: MPS, idempotency: true, audit: true }),
		);
		const body = { count: COUNT, prefix: `APPT-${randomUUID().slice(0, 8)}`, base: phoneBase() };
		const reminders = async () =>
			(await sim.messages()).filter((m) => m.templateName === 'appointment_reminder');

		await callWebhook(ctx, path, body);
		const running = await waitUntil(
			'the batch running on a worker',
			async () => {
				const [e] = await n8n.executions({ workflowId });
				const worker = e ? workerOf(ctx, e.id) : undefined;
				return e && worker ? { id: e.id, worker } : undefined;
			},
			60_000,
			250,
		);
		await waitUntil('30 reminders accepted', async () => (await reminders()).length >= 30, 60_000, 100);
		await n8n.kill(running.worker);
		const atKill = (await reminders()).length;
		log(
			`killed ${running.worker} (SIGKILL) while execution ${running.id} was sending: ${atKill} accepted so far`,
		);
		const restarting = n8n.restart(running.worker);

		// The clinic runs the batch again; it lands on the surviving worker.
		await new Promise((r) => setTimeout(r, 1500));
		const crashedCount = (await reminders()).length;
		await callWebhook(ctx, path, body);
		const again = await waitUntil(
			'the restarted run finished',
			async () => {
				const done = (await n8n.executions({ workflowId, includeData: true })).find(
					(e) => e.id !== running.id && e.status !== 'running' && e.status !== 'new',
				);
				return done;
			},
			120_000,
			500,
		);
		assertEqual(again.status, 'success', 'restarted run');
		const out = nodeOutput(again, 'Send reminder');
		const byStatus = (s: string, reason?: string) =>
			out.filter((o) => o.status === s && (!reason || o.skipped?.reason === reason)).length;
		const sent = byStatus('sent');
		const alreadySent = byStatus('skipped', 'already-sent');
		const unknown = byStatus('skipped', 'outcome-unknown');
		const all = await reminders();
		const counts = perRecipient(all);
		const twice = [...counts.values()].filter((c) => c > 1).length;
		log(
			`restarted run (${workerOf(ctx, again.id) ?? '?'}): ${sent} sent, ${alreadySent} skipped as already sent, ${unknown} skipped as undecided; simulator: ${all.length} reminders to ${counts.size} patients (${crashedCount} from the crashed run), ${twice} patients twice`,
		);
		assertEqual(out.length, COUNT, 'items of the restarted run');
		assertEqual(twice, 0, 'patients who got the reminder twice');
		assertEqual(sent + alreadySent + unknown, COUNT, 'sent + skipped');
		assert(unknown <= CONCURRENCY, `undecided after the crash ≤ ${CONCURRENCY} (got ${unknown})`);
		assertEqual(all.length, crashedCount + sent, 'accepted = crashed run + restarted run');
		assert(alreadySent >= 30 - CONCURRENCY, `the crashed run's sends were recognised (${alreadySent})`);

		await useWorkflow(ctx, auditVerifyWorkflow(`${path}-verify`));
		const result = await callWebhook(ctx, `${path}-verify`, {});
		const r = Array.isArray(result) ? result[0] : result;
		log(`audit chain: ${JSON.stringify(r).slice(0, 200)}`);
		assert(r && (r.valid === true || r.ok === true || r.intact === true), 'audit chain verifies');
		const worker = await restarting;
		log(`${worker.name} restarted and ready`);
	},
};
