/** Workflows 03 (lab results), 04 (telemedicine handoff), 05 (follow-up + CSAT) and the audit chain (06: kpi-report.ts). */
import type { WorkflowJson } from '../../stack/n8n';
import { sleep, waitUntil } from '../../stack/proc';
import { assert, assertEqual, type Scenario } from '../scenario';
import { assertTemplateDate, bodyParameters } from './dates';
import { Patient, textOf } from './patient';
import { T, WF, assertNoFailedExecutions, callWebhook, patientPhone, useWorkflow, workflowId } from './util';

const ALL = [
	'whatsAppClinicTrigger',
	'whatsAppSendMessage',
	'whatsAppSendTemplate',
	'consentCheck',
	'auditLog',
];

export const labScenario: Scenario = {
	name: 'lab-results',
	description:
		'Workflow 03: opt-in required; notice template in pt_BR; report only after the right date of birth; a question goes to the nurse',
	requires: { nodes: ALL },
	async run(ctx) {
		const since = Date.now();
		const lab = workflowId(ctx, WF.lab);
		const carla = new Patient(ctx, patientPhone(), 'Carla Dias');
		const request = (p: Patient) => ({
			patientPhone: `+${p.phone}`,
			patientName: p.name,
			dateOfBirth: '1979-11-02',
			reportUrl: 'https://lab.example/reports/carla-hemogram.pdf',
			reportName: 'hemogram.pdf',
			collectedAt: '2026-11-20',
		});
		// No opt-in yet: nothing may be sent.
		await callWebhook(ctx, 'clinic-lab-results', request(carla));
		await ctx.n8n.waitForExecutions(lab, 1);
		await sleep(500);
		assertEqual((await carla.messages()).length, 0, 'messages to a patient without lab-results opt-in');

		// Opt-in through the opt-in template's quick reply (payload OPT_IN).
		let out = await carla.tapQuickReply('OPT_IN', 'Yes, I agree');
		assert(out.length === 1, 'opt-in is confirmed');
		ctx.log(`opt-in reply: "${textOf(out[0])}"`);
		const before = (await carla.messages()).length;
		await callWebhook(ctx, 'clinic-lab-results', request(carla));
		const msgs = await ctx.sim.waitForMessages(carla.phone, before + 1);
		const notice = msgs[msgs.length - 1];
		assertEqual(notice.templateName, 'lab_results_ready', 'results-ready template');
		// collectedAt 2026-11-20 (a calendar date): a typed date_time written in the template's language, which is
		// the patient's (a Brazilian number that wrote nothing yet: pt_BR).
		assertEqual(notice.request?.template?.language?.code, 'pt_BR', 'notice template language');
		assertEqual(
			bodyParameters(notice)[1],
			{ type: 'date_time', date_time: { fallback_value: '20 de novembro de 2026' } },
			'collection date in the notice',
		);
		assert(
			textOf(notice).includes('os resultados dos seus exames de 20 de novembro de 2026 estão prontos'),
			`the patient reads the date: "${textOf(notice)}"`,
		);
		assert(
			!JSON.stringify(notice.request).includes('carla-hemogram'),
			'the notice does not carry the report',
		);

		out = await carla.say('01/01/1980');
		assert(/não confere/i.test(textOf(out[0])), `wrong date of birth refused: "${textOf(out[0])}"`);
		out = await carla.say('02/11/1979');
		const doc = out.find((m) => m.type === 'document');
		assert(doc, `report sent as a document after the right date, got ${out.map((m) => m.type).join(', ')}`);
		assertEqual(
			doc.request.document?.link,
			'https://lab.example/reports/carla-hemogram.pdf',
			'document link',
		);

		const deskBefore = (await ctx.n8n.executions({ workflowId: workflowId(ctx, WF.telemedicine) })).length;
		out = await carla.say('Is my hemoglobin value normal?');
		assert(
			out.some((m) => /nurse/i.test(textOf(m))),
			`question handed to a nurse: ${out.map(textOf).join(' / ')}`,
		);
		await ctx.n8n.waitForExecutions(workflowId(ctx, WF.telemedicine), deskBefore + 1);
		await assertNoFailedExecutions(ctx, [WF.inbox, WF.lab, WF.telemedicine], since);
	},
};

export const telemedicineScenario: Scenario = {
	name: 'telemedicine-handoff',
	description:
		'Workflow 04: "talk to a nurse" → staff desk gets the context, patient gets a video link, messages forwarded, staff closes → back to the bot',
	requires: { nodes: ALL },
	async run(ctx) {
		const since = Date.now();
		const desk = workflowId(ctx, WF.telemedicine);
		const deskCount = async () => (await ctx.n8n.executions({ workflowId: desk })).length;
		const rui = new Patient(ctx, patientPhone(), 'Rui Alves');
		await rui.say('Hello');
		const d0 = await deskCount();
		let out = await rui.tapButton('NURSE', 'Talk to a nurse');
		assert(
			out.some((m) => /video call/i.test(textOf(m)) && /https:\/\//.test(textOf(m))),
			`video link sent: ${out.map(textOf).join(' / ')}`,
		);
		const [handoff] = (await ctx.n8n.waitForExecutions(desk, d0 + 1)).slice(-1);
		const body = handoff.data?.resultData.runData['Staff desk']?.[0]?.data?.main?.[0]?.[0]?.json?.body;
		assertEqual(body?.kind, 'handoff', 'staff desk notification kind');
		assertEqual(body?.patient, rui.phone, 'staff desk gets the patient');
		assert(String(body?.videoLink ?? '').startsWith('https://'), 'staff desk gets the video link');

		await rui.say('I have had a fever since yesterday', { expect: 0 });
		const [forwarded] = (await ctx.n8n.waitForExecutions(desk, d0 + 2)).slice(-1);
		const fwd = forwarded.data?.resultData.runData['Staff desk']?.[0]?.data?.main?.[0]?.[0]?.json?.body;
		assertEqual(fwd?.kind, 'message', 'forwarded message kind');
		assert(/fever/.test(String(fwd?.topic)), 'forwarded text reaches the staff desk');

		const before = (await rui.messages()).length;
		await callWebhook(ctx, 'clinic-staff-reply', {
			patient: rui.phone,
			text: 'Please take your temperature now.',
		});
		let msgs = await ctx.sim.waitForMessages(rui.phone, before + 1);
		assert(/Nurse: Please take/.test(textOf(msgs[msgs.length - 1])), 'staff answer reaches the patient');
		await callWebhook(ctx, 'clinic-handoff-close', { patient: rui.phone });
		msgs = await ctx.sim.waitForMessages(rui.phone, before + 2);
		assert(
			/back with the clinic assistant/.test(textOf(msgs[msgs.length - 1])),
			'patient told the bot is back',
		);
		out = await rui.say('hi');
		assert(out[0]?.type === 'interactive', 'the bot answers again with its menu');
		await assertNoFailedExecutions(ctx, [WF.inbox, WF.telemedicine], since);
	},
};

/** Verify Chain of the audit log through a tiny helper workflow (Webhook → Audit Log verify). */
function verifyWorkflow(): WorkflowJson {
	return {
		name: 'E2E audit verify',
		nodes: [
			{
				name: 'Verify now',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'e2e-audit-verify-0000-0000-000000000001',
				parameters: { httpMethod: 'POST', path: 'e2e-audit-verify', responseMode: 'lastNode', options: {} },
			},
			{
				name: 'Verify chain',
				type: T('auditLog'),
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'verify', failWhenBroken: false, options: {} },
				credentials: { clinicStoreApi: { name: 'Clinic Store (SQLite)' } },
			},
		],
		connections: { 'Verify now': { main: [[{ node: 'Verify chain', type: 'main', index: 0 }]] } },
	};
}

export const auditScenario: Scenario = {
	name: 'audit-chain',
	description: 'Audit Log: every workflow wrote to one hash chain, and Verify reports it intact',
	requires: { nodes: ['auditLog'] },
	async run(ctx) {
		await useWorkflow(ctx, verifyWorkflow());
		const result = await callWebhook(ctx, 'e2e-audit-verify', {});
		ctx.log(`verify: ${JSON.stringify(result).slice(0, 300)}`);
		const r = Array.isArray(result) ? result[0] : result;
		assert(
			r && (r.valid === true || r.ok === true || r.intact === true),
			`chain verifies: ${JSON.stringify(r).slice(0, 300)}`,
		);
		const count = Number(r.entries ?? r.checked ?? r.count ?? r.entriesChecked ?? 0);
		assert(count > 0, `entries were checked (${count})`);
	},
};

export const followUpScenario: Scenario = {
	name: 'follow-up-csat',
	description:
		'Workflow 05: a fulfilled visit gets follow-up + survey templates in the patient\'s language (BR pt_BR, US en_US); "Good" is stored in the audit log; "I need help" opens a handoff',
	requires: { nodes: [...ALL, 'appointmentSlotLookup'] },
	async run(ctx) {
		const since = Date.now();
		const { appointment, patient } = await bookDirect(ctx, 'Beatriz Rocha', 2);
		await setStatus(ctx, appointment.id, 'fulfilled');
		const before = (await patient.messages()).length;
		await callWebhook(ctx, 'clinic-follow-up-run', {});
		const msgs = await ctx.sim.waitForMessages(patient.phone, before + 2);
		const names = msgs.slice(before).map((m) => m.templateName);
		assert(
			names.includes('post_visit_follow_up') && names.includes('satisfaction_survey'),
			`follow-up + survey sent: ${names.join(', ')}`,
		);
		const survey = msgs.slice(before).find((m) => m.templateName === 'satisfaction_survey')!;
		const diaDaConsulta = assertTemplateDate(survey, 1, appointment.start, 'pt_BR', 'date', 'survey');
		ctx.log(`survey: "${textOf(survey)}"`);
		const out = await patient.tapQuickReply(`CSAT:GOOD:${appointment.id}`, 'Boa');
		assert(/obrigada pela sua avaliação/i.test(textOf(out[0])), `thanks for the answer: "${textOf(out[0])}"`);
		const help = await patient.tapQuickReply(`FOLLOWUP:HELP:${appointment.id}`, 'Preciso de ajuda');
		assert(
			help.some((m) => /enfermeira/i.test(textOf(m))),
			`I need help → nurse handoff: ${help.map(textOf).join(' / ')}`,
		);
		await callWebhook(ctx, 'clinic-handoff-close', { patient: patient.phone });

		// A patient with a US number: the same workflow sends the en_US templates, dates written in English.
		const us = await bookDirect(
			ctx,
			'Brian Miller',
			3,
			`1415555${String(Date.now() % 10_000).padStart(4, '0')}`,
		);
		await setStatus(ctx, us.appointment.id, 'fulfilled');
		const usBefore = (await us.patient.messages()).length;
		await callWebhook(ctx, 'clinic-follow-up-run', {});
		const surveyEn = await waitUntil(
			'the en_US survey',
			async () =>
				(await us.patient.messages())
					.slice(usBefore)
					.find(
						(m) =>
							m.templateName === 'satisfaction_survey' && m.request?.template?.language?.code === 'en_US',
					),
			30_000,
		);
		const visitDay = assertTemplateDate(surveyEn, 1, us.appointment.start, 'en_US', 'date', 'en_US survey');
		assert(diaDaConsulta !== visitDay, `pt_BR date "${diaDaConsulta}" differs from the en_US "${visitDay}"`);
		ctx.log(`en_US survey: "${textOf(surveyEn)}"`);
		await assertNoFailedExecutions(ctx, [WF.inbox, WF.followUp], since);
	},
};

// ---- helpers that use a small test-only workflow to book and update appointments directly -------------------

import { SEED_PATH, STATUS_PATH, ensureSeedWorkflows } from './seed';
import { CLINIC_RULES } from '../../../scripts/workflows/clinic-settings';

export async function bookDirect(
	ctx: Parameters<Scenario['run']>[0],
	name: string,
	hoursAhead: number,
	phone = patientPhone(),
) {
	await ensureSeedWorkflows(ctx, CLINIC_RULES);
	const patient = new Patient(ctx, phone, name);
	const answer = await callWebhook(ctx, SEED_PATH, {
		patients: [{ phone: patient.phone, name }],
		fromHours: hoursAhead,
		toHours: hoursAhead + 20,
	});
	const items = Array.isArray(answer) ? answer : [answer];
	const appointment = items[0]?.appointment;
	assert(appointment?.id, `seeded an appointment: ${JSON.stringify(answer).slice(0, 300)}`);
	return { appointment, patient };
}

export async function setStatus(ctx: Parameters<Scenario['run']>[0], appointmentId: string, status: string) {
	await ensureSeedWorkflows(ctx, CLINIC_RULES);
	return await callWebhook(ctx, STATUS_PATH, { appointmentId, status });
}
