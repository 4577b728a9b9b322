/**
 * Workflow 08 end to end (issue 18): two patients are on the waitlist; a third cancels from a reminder button
 * (workflow 01's Cancel); the Cancel output reaches workflow 08 (as the reminder-answer path posts it), both
 * waitlisted patients get the waitlist_offer template (pt_BR, "Quero este horário"); both tap at once; one gets the
 * booking ("Pronto! …"), the other "Que pena: …" and stays on the waitlist. The freed time is booked exactly once.
 * Then a patient of workflow 01 for whom no time suits picks the list's last row, "Lista de espera", and is put on
 * the waitlist (Waitlist → Join) with a pt_BR answer.
 */
import { CLINIC_RULES } from '../../../scripts/workflows/clinic-settings';
import type { WorkflowJson } from '../../stack/n8n';
import { waitUntil } from '../../stack/proc';
import type { SimOutbound } from '../../stack/sim';
import { assert, assertEqual, type Scenario, type ScenarioContext } from '../scenario';
import { Patient, listRows, textOf } from './patient';
import { SEED_PATH, ensureSeedWorkflows } from './seed';
import {
	T,
	WF,
	assertNoFailedExecutions,
	callWebhook,
	nodeOutput,
	patientPhone,
	useCallback,
	useWorkflow,
	webhookNode,
	workflowId,
} from './util';

const WAITLIST_WF = '08 · Waitlist backfill';
const JOIN_PATH = 'e2e-waitlist-join';
const store = { clinicStoreApi: { name: 'Clinic Store (SQLite)' } };

/** A test-only workflow: POST {name, phone, practitionerId} → Join Waitlist (what the bot would do). */
function joinWorkflow(): WorkflowJson {
	return {
		name: 'E2E waitlist join',
		nodes: [
			webhookNode(JOIN_PATH),
			{
				name: 'Join',
				type: T('appointmentSlotLookup'),
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'waitlist',
					operation: 'joinWaitlist',
					backend: 'builtin',
					rulesSource: 'json',
					rulesJson: CLINIC_RULES,
					waitlistPatientName: '={{ $json.body.name }}',
					waitlistPatientPhone: '={{ $json.body.phone }}',
					waitlistPractitionerId: '={{ $json.body.practitionerId }}',
					waitlistTimesOfDay: [],
				},
				credentials: store,
			},
		],
		connections: { Start: { main: [[{ node: 'Join', type: 'main', index: 0 }]] } },
	};
}

/** The payload of a template's quick-reply button as the simulator received it. */
function quickReplyPayload(m: SimOutbound): string {
	const components = (m.request?.template?.components ?? []) as Array<Record<string, any>>;
	const button = components.find((c) => c.type === 'button' && c.sub_type === 'quick_reply');
	return String(button?.parameters?.[0]?.payload ?? '');
}

/** The Cancel node's output item for `appointmentId` in workflow 01's executions. */
async function cancelOutput(ctx: ScenarioContext, appointmentId: string) {
	const inbox = workflowId(ctx, WF.inbox);
	return await waitUntil(
		'workflow 01 cancelled the appointment',
		async () => {
			for (const e of await ctx.n8n.executions({ workflowId: inbox, includeData: true })) {
				const item = nodeOutput(e, 'Cancel appointment').find((i) => i.appointment?.id === appointmentId);
				if (item) return item;
			}
			return undefined;
		},
		30_000,
		500,
	);
}

export const waitlistBackfillScenario: Scenario = {
	name: 'waitlist-backfill',
	description:
		'Workflow 08: a reminder cancel frees a time, two waitlisted patients get the offer, both tap: one booked, one "taken"',
	requires: {
		nodes: ['whatsAppClinicTrigger', 'whatsAppSendMessage', 'whatsAppSendTemplate', 'appointmentSlotLookup'],
	},
	async run(ctx) {
		const since = Date.now();
		await ensureSeedWorkflows(ctx, CLINIC_RULES);
		await useWorkflow(ctx, joinWorkflow());
		const waitlistId = workflowId(ctx, WAITLIST_WF);

		// The patient who will cancel has an appointment tomorrow.
		const carla = new Patient(ctx, patientPhone(), 'Carla Mendes');
		const seeded = await callWebhook(ctx, SEED_PATH, {
			patients: [{ phone: carla.phone, name: carla.name }],
			fromHours: 26,
			toHours: 30,
		});
		const appointment = (Array.isArray(seeded) ? seeded[0] : seeded).appointment;
		assert(appointment?.id, `appointment seeded: ${JSON.stringify(seeded).slice(0, 200)}`);
		ctx.log(
			`Carla's appointment ${appointment.id} at ${appointment.start} with ${appointment.practitioner.id}`,
		);

		// Two patients wait for that practitioner.
		const waiting = [
			new Patient(ctx, patientPhone(), 'Bruna Alves'),
			new Patient(ctx, patientPhone(), 'Davi Rocha'),
		];
		for (const p of waiting) {
			const body = { name: p.name, phone: p.phone, practitionerId: appointment.practitioner.id };
			const [joined] = [await callWebhook(ctx, JOIN_PATH, body)].flat();
			assertEqual(joined?.status, 'waiting', `${p.name} joined the waitlist`);
		}

		// Carla taps Cancel on her reminder: workflow 01 cancels; its Cancel output goes to workflow 08.
		const answer = await carla.tapQuickReply(`CANCEL:${appointment.id}`, 'Cancelar');
		assert(
			/consulta foi cancelada/i.test(textOf(answer[0])),
			`cancel answered in pt_BR: "${textOf(answer[0])}"`,
		);
		const cancelled = await cancelOutput(ctx, appointment.id);
		assertEqual(cancelled.cancelled, true, 'Cancel output');
		const offersBefore = (await ctx.n8n.executions({ workflowId: waitlistId })).length;
		await callWebhook(ctx, 'waitlist-slot-freed', cancelled);
		await ctx.n8n.waitForExecutions(waitlistId, offersBefore + 1, 60_000);

		// Both waitlisted patients get the offer template in Brazilian Portuguese.
		const offers = await waitUntil(
			'waitlist offers on the simulator',
			async () => {
				const list = await Promise.all(
					waiting.map(async (p) => (await p.messages()).find((m) => m.templateName === 'waitlist_offer')),
				);
				return list.every(Boolean) ? (list as SimOutbound[]) : undefined;
			},
			60_000,
		);
		for (const m of offers) {
			assert(/abriu um horário/.test(textOf(m)), `pt_BR offer text: "${textOf(m)}"`);
			assert(
				quickReplyPayload(m).startsWith('WAITLIST_CLAIM:wo_'),
				`button payload: ${quickReplyPayload(m)}`,
			);
		}
		ctx.log(`offer: "${textOf(offers[0])}"`);
		const carlaOffers = (await carla.messages()).filter((m) => m.templateName === 'waitlist_offer');
		assertEqual(carlaOffers.length, 0, 'offers to the patient who cancelled');

		// Both tap "Quero este horário" at once; workflow 08's trigger receives the taps.
		await useCallback(ctx, ctx.n8n.webhookUrl(WAITLIST_WF, 'WhatsApp Clinic Trigger', 'webhook'));
		const replies = await Promise.all(
			waiting.map(
				async (p, i) => (await p.tapQuickReply(quickReplyPayload(offers[i]), 'Quero este horário'))[0],
			),
		);
		const texts = replies.map(textOf);
		ctx.log(`answers: ${texts.map((t) => `"${t}"`).join(' | ')}`);
		const won = texts.filter((t) => t.startsWith('Pronto! Sua consulta está marcada para'));
		const lost = texts.filter((t) =>
			t.startsWith('Que pena: outro paciente confirmou esse horário primeiro'),
		);
		assertEqual([won.length, lost.length], [1, 1], 'one booked, one taken');

		// Exactly one booking came out of the claims, at Carla's old time.
		const runs = await ctx.n8n.waitForExecutions(waitlistId, offersBefore + 3, 30_000);
		const claims = (await ctx.n8n.executions({ workflowId: waitlistId, includeData: true }))
			.flatMap((e) => nodeOutput(e, 'Claim offer'))
			.filter(Boolean);
		const booked = claims.filter((c) => c.claimed);
		assertEqual(booked.length, 1, `claims that booked (of ${claims.length}, ${runs.length} runs)`);
		assertEqual(booked[0].appointment.start, appointment.start, 'the booking is at the freed time');
		assertEqual(claims.filter((c) => c.reason === 'taken').length, 1, 'claims told "taken"');

		// Workflow 01: no time suits → the list's last row "Lista de espera" joins the waitlist (pt_BR answer).
		if (ctx.stack.inboxWebhookUrl) await ctx.sim.setCallback(ctx.stack.inboxWebhookUrl);
		const elisa = new Patient(ctx, patientPhone(), 'Elisa Prado');
		await elisa.say('Oi');
		await elisa.tapButton('BOOK', 'Agendar consulta');
		await elisa.say('Elisa Prado');
		await elisa.say('25/03/1984');
		const out = await elisa.say('Unimed');
		const list = out.find((m) => m.type === 'interactive' && listRows(m).length > 0);
		assert(list, `a list of free times, got ${out.map((m) => m.type).join(', ')}`);
		const rows = listRows(list);
		const last = rows[rows.length - 1];
		assert(rows.length >= 2 && rows.length <= 10, `2–10 rows, got ${rows.length}`);
		assertEqual([last.id, last.title], ['WAITLIST_JOIN', 'Lista de espera'], 'last row joins the waitlist');
		const [joinedText] = await elisa.pickRow(last.id, last.title);
		ctx.log(`join answer: "${textOf(joinedText)}"`);
		assert(
			textOf(joinedText).startsWith('Pronto! Você está na lista de espera'),
			`pt_BR join answer: "${textOf(joinedText)}"`,
		);
		const inboxRuns = await ctx.n8n.executions({ workflowId: workflowId(ctx, WF.inbox), includeData: true });
		const entries = inboxRuns.flatMap((e) => nodeOutput(e, 'Join waitlist')).filter(Boolean);
		assert(
			entries.some((e) => e.status === 'waiting' && e.patient?.name === 'Elisa Prado'),
			`Elisa's waitlist entry from workflow 01: ${JSON.stringify(entries).slice(0, 300)}`,
		);
		await assertNoFailedExecutions(ctx, [WF.inbox, WAITLIST_WF], since);
	},
};
