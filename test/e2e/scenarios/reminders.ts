/**
 * Workflow 02 end to end, with the consent race of issue 8: the whole batch goes through Send Template with Require
 * Consent for Purpose (one consent read right before the batch is sent). A patient who sent PARAR before the batch
 * is blocked (no reminder, audited as consent.blocked); a patient who sends PARAR while the batch is running
 * (simulator latency makes it last several seconds) gets nothing whose consent was checked after the opt-out was
 * recorded, and the opt-out confirmation in Portuguese. Reminders are in the patients' language (Brazilian numbers:
 * pt_BR). Then the reply buttons: Confirm, Cancel and Reschedule (which re-enters the free-time list) update the
 * appointment and answer in Portuguese. Run again the same day, it reminds nobody twice (Idempotency Key = appointment ID
 * + start): only the moved appointment gets a reminder of its new time.
 */
import { CLINIC_RULES } from '../../../scripts/workflows/clinic-settings';
import { waitUntil } from '../../stack/proc';
import { assert, assertEqual, type Scenario } from '../scenario';
import { appointmentFromInbox, assertTemplateDate, expectedDate } from './dates';
import { Patient, listRows, textOf } from './patient';
import { SEED_PATH, ensureSeedWorkflows } from './seed';
import { WF, assertNoFailedExecutions, callWebhook, nodeOutput, patientPhone, workflowId } from './util';

const BATCH = 12;

export const remindersScenario: Scenario = {
	name: 'reminders-consent-race',
	description:
		'Workflow 02: reminders in pt_BR through one consent-gated batch send; PARAR before → blocked, mid-batch → nothing checked after it; Confirm/Cancel/Reschedule answered in pt',
	requires: {
		nodes: [
			'whatsAppClinicTrigger',
			'whatsAppSendMessage',
			'whatsAppSendTemplate',
			'appointmentSlotLookup',
			'consentCheck',
			'auditLog',
			'clinicConversation',
		],
	},
	async run(ctx) {
		const since = Date.now();
		await ensureSeedWorkflows(ctx, CLINIC_RULES);
		const patients = Array.from(
			{ length: BATCH },
			(_, i) => new Patient(ctx, patientPhone(), `Patient ${String.fromCharCode(65 + i)} Test`),
		);
		// One more patient, who opts out before the batch runs.
		const early = new Patient(ctx, patientPhone(), 'Paciente Antes Saiu');
		const seeded = await callWebhook(ctx, SEED_PATH, {
			patients: [...patients, early].map((p) => ({ phone: p.phone, name: p.name })),
			fromHours: 25,
			toHours: 47,
		});
		const appointments = (Array.isArray(seeded) ? seeded : [seeded]).map((s: any) => s.appointment);
		assertEqual(
			appointments.filter((a: any) => a?.id).length,
			BATCH + 1,
			'appointments seeded 24–48 h ahead',
		);
		const byPhone = new Map<string, any>(
			appointments.map((a: any) => [String(a.patient.phone).replace(/\D/g, ''), a]),
		);

		const earlyReply = await early.say('PARAR');
		assert(
			/não vai mais receber mensagens/.test(textOf(earlyReply[0])),
			`PARAR confirmed in Portuguese: "${textOf(earlyReply[0])}"`,
		);

		// Slow the Graph API down so the batch (one send per patient) takes several seconds.
		await ctx.sim.control('POST', '/config', { latencyMs: 250 });
		ctx.defer(async () => await ctx.sim.control('POST', '/config', { latencyMs: 0 }));
		const target = patients[BATCH - 1];
		const remindersId = workflowId(ctx, WF.reminders);
		const inboxId = workflowId(ctx, WF.inbox);
		const runsBefore = (await ctx.n8n.executions({ workflowId: remindersId })).length;
		await callWebhook(ctx, 'clinic-reminders-run', {});
		// Wait until the batch is under way, then the patient opts out.
		await waitUntil(
			'first reminders accepted',
			async () =>
				(await ctx.sim.messages()).filter((m) => m.templateName === 'appointment_reminder').length >= 2,
			60_000,
		);
		const sentParar = await ctx.sim.inbound({
			from: target.phone,
			name: target.name,
			type: 'text',
			text: 'PARAR',
		});
		// The inbox execution that handled PARAR tells when the opt-out was recorded.
		const optOut = await waitUntil(
			'the opt-out recorded by workflow 01',
			async () => {
				for (const e of await ctx.n8n.executions({ workflowId: inboxId, includeData: true })) {
					const item = nodeOutput(e, 'Opt-out words').find((i) => i.messageId === sentParar.messageId);
					if (item?.consentKeyword)
						return item.consentKeyword as { action: string; recordedAt: string; reply: string };
				}
				return undefined;
			},
			60_000,
			500,
		);
		assertEqual(optOut.action, 'opt_out', 'PARAR recorded as');
		const recordedAt = Date.parse(optOut.recordedAt);
		const reply = await waitUntil(
			'opt-out confirmation',
			async () => (await target.messages()).find((m) => m.type === 'text'),
			30_000,
		);
		ctx.log(`PARAR recorded at ${optOut.recordedAt} → "${textOf(reply)}"`);
		const [run] = (await ctx.n8n.waitForExecutions(remindersId, runsBefore + 1, 180_000)).slice(-1);
		assertEqual(run.status, 'success', 'reminder batch execution');

		// One run of "Send reminder" decided every patient with one consent read right before sending.
		const digits = (v: unknown) => String(v ?? '').replace(/\D/g, '');
		const decided = (run.data?.resultData.runData['Send reminder']?.[0]?.data?.main?.[0] ?? []).map(
			(i: any) => i.json,
		);
		const targetItem = decided.find((j: any) => digits(j.recipient) === target.phone);
		assert(targetItem?.consent, 'the batch decided the patient who opted out');
		const checkedAt = Date.parse(targetItem.consent.checkedAt);
		const targetAllowed = targetItem.consent.allowed === true;
		ctx.log(
			`target checked ${checkedAt - recordedAt} ms after the opt-out → ${targetAllowed ? 'allowed' : 'blocked'}`,
		);
		if (checkedAt > recordedAt) assert(!targetAllowed, 'a check after the opt-out must block');
		const earlyItem = decided.find((j: any) => digits(j.recipient) === early.phone);
		assertEqual(
			[earlyItem?.sent, earlyItem?.consent?.allowed, earlyItem?.consent?.reason],
			[false, false, 'opted_out'],
			'the patient who opted out before the batch',
		);
		const blockedAudit = nodeOutput(run, 'Audit blocked by consent');
		assert(
			blockedAudit.length >= 1,
			`blocked patients audited as consent.blocked: ${JSON.stringify(blockedAudit).slice(0, 200)}`,
		);
		const all = await ctx.sim.messages();
		const reminders = all.filter((m) => m.templateName === 'appointment_reminder');
		const toTarget = reminders.filter((m) => String(m.to).replace(/\D/g, '') === target.phone);
		// Nothing reaches the patient after the opt-out, except a send whose check had already passed before it.
		const late = toTarget.filter(
			(m) => Date.parse(String(m.acceptedAt)) > recordedAt && !(targetAllowed && checkedAt < recordedAt),
		);
		assertEqual(
			reminders.filter((m) => digits(m.to) === early.phone).length,
			0,
			'reminders to the patient who opted out before the batch',
		);
		assertEqual(late.length, 0, 'reminders to the patient after the opt-out was recorded');
		// Each reminder's date and time: typed date_time values in the template's language and the clinic's zone.
		for (const m of reminders) {
			const appointment = byPhone.get(String(m.to).replace(/\D/g, ''));
			if (!appointment) continue; // an appointment of another scenario in the same window
			assertTemplateDate(m, 1, appointment.start, 'pt_BR', 'date', `reminder to ${m.to}`);
			assertTemplateDate(m, 2, appointment.start, 'pt_BR', 'time', `reminder to ${m.to}`);
		}
		ctx.log(`reminder text: "${textOf(reminders[0])}"`);
		const others = patients.filter((p) => p !== target);
		const missing = others.filter((p) => !reminders.some((m) => String(m.to).replace(/\D/g, '') === p.phone));
		assertEqual(missing.length, 0, 'patients without a reminder (excluding the one who opted out)');
		ctx.log(
			`batch: ${reminders.length} reminders, ${decided.length} patients decided by one consent read; reminders to the opted-out patient: ${toTarget.length}`,
		);
		await ctx.sim.control('POST', '/config', { latencyMs: 0 });

		// Reply buttons on the reminders.
		const [p1, p2, p3] = others;
		let answer = await p1.tapQuickReply(`CONFIRM:${byPhone.get(p1.phone).id}`, 'Confirmar');
		assert(/consulta está confirmada/i.test(textOf(answer[0])), `confirm answered: "${textOf(answer[0])}"`);
		answer = await p2.tapQuickReply(`CANCEL:${byPhone.get(p2.phone).id}`, 'Cancelar');
		assert(/consulta foi cancelada/i.test(textOf(answer[0])), `cancel answered: "${textOf(answer[0])}"`);
		answer = await p3.tapQuickReply(`RESCHEDULE:${byPhone.get(p3.phone).id}`, 'Remarcar');
		const list = answer.find((m) => listRows(m).length > 0);
		assert(list, `reschedule shows free times: ${answer.map((m) => m.type).join(', ')}`);
		const row = listRows(list)[1];
		answer = await p3.pickRow(row.id, row.title);
		// The in-session answer is in the patient's language (Brazilian number: pt_BR), clinic time zone.
		const moved = await appointmentFromInbox(ctx, 'Reschedule', byPhone.get(p3.phone).id);
		assertEqual(
			textOf(answer[0]),
			`Pronto! Sua consulta foi remarcada para ${expectedDate(moved.start, 'pt_BR', 'date_time')}.`,
			'reschedule answer',
		);
		assert(
			textOf(answer[0]).includes(`às ${row.title.split(' · ')[0]}.`),
			`the new time is the row picked ("${row.title}"): "${textOf(answer[0])}"`,
		);

		// Run again the same day: the Idempotency Key (appointment ID + start) skips every reminder already sent, the
		// cancelled appointment is not listed, and the moved one is reminded of its new time when that is 24–48 h ahead.
		const runsBeforeAgain = (await ctx.n8n.executions({ workflowId: remindersId })).length;
		const againAt = Date.now();
		await callWebhook(ctx, 'clinic-reminders-run', {});
		const [again] = (await ctx.n8n.waitForExecutions(remindersId, runsBeforeAgain + 1, 180_000)).slice(-1);
		assertEqual(again.status, 'success', 'second reminder run');
		const againItems = nodeOutput(again, 'Send reminder');
		const itemOf = (p: Patient) => againItems.find((j: any) => digits(j.recipient) === p.phone);
		const remindedBefore = others.filter((p) => p !== p2 && p !== p3);
		assertEqual(
			remindedBefore.map((p) => [itemOf(p)?.status, itemOf(p)?.skipped?.reason]),
			remindedBefore.map(() => ['skipped', 'already-sent']),
			'second run: patients reminded by the first run',
		);
		assertEqual(itemOf(p2), undefined, 'second run: the cancelled appointment');
		const afterAgain = (await ctx.sim.messages()).filter((m) => m.templateName === 'appointment_reminder');
		const toP3 = afterAgain.filter((m) => digits(m.to) === p3.phone);
		for (const p of remindedBefore)
			assertEqual(afterAgain.filter((m) => digits(m.to) === p.phone).length, 1, `reminders to ${p.name}`);
		const ahead = Date.parse(moved.start) - againAt;
		if (ahead > 24 * 3_600_000 + 60_000 && ahead < 48 * 3_600_000 - 60_000) {
			assertEqual(itemOf(p3)?.status, 'sent', 'second run: the moved appointment (new start, new key)');
			assertEqual(toP3.length, 2, 'reminders to the patient whose appointment moved');
			assertTemplateDate(toP3[1], 1, moved.start, 'pt_BR', 'date', 'reminder of the new time');
		} else {
			assertEqual(itemOf(p3), undefined, 'second run: the moved appointment, now outside 24–48 h');
			assertEqual(toP3.length, 1, 'reminders to the patient whose appointment moved out of the window');
		}
		ctx.log(
			`second run: ${againItems.filter((j: any) => j.status === 'skipped').length} skipped as already sent, moved appointment ${Math.round(ahead / 3_600_000)} h ahead → ${itemOf(p3)?.status ?? 'not listed'}`,
		);
		await assertNoFailedExecutions(ctx, [WF.inbox, WF.reminders], since);
	},
};
