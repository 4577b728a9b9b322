/**
 * Workflow 08 end to end (issue 18's "Done when"), every tap on the number's one webhook (workflow 01's trigger):
 * two patients are on the waitlist; a third gets workflow 02's reminder and taps Cancelar; workflow 01 cancels,
 * offers her other times (the list ending with "Lista de espera") and posts the freed time to workflow 08; both
 * waitlisted patients get the waitlist_offer template (pt_BR, "Quero este horário") on the simulator's chat page in
 * headless Chromium and both tap it at once; workflow 01 hands the taps to 08: one gets the booking ("Pronto! …"),
 * the other "Que pena: …" and stays on the waitlist. The freed time is booked exactly once; workflow 06's KPI report
 * counts the refill (1 more freed slot, 1 more refilled) and its HTML charts render in Chromium. The patient who
 * cancelled joins the waitlist from her list's last row; a patient of workflow 01 for whom no time suits picks the
 * booking list's "Lista de espera" and is put on the waitlist (Waitlist → Join) with a pt_BR answer.
 */
import { CLINIC_RULES } from '../../../scripts/workflows/clinic-settings';
import type { WorkflowJson } from '../../stack/n8n';
import { waitUntil } from '../../stack/proc';
import type { SimOutbound } from '../../stack/sim';
import { assert, assertEqual, type Scenario, type ScenarioContext } from '../scenario';
import { launchChromium } from './chromium';
import { drawnCharts, kpiReportCopy } from './kpi-report';
import { Patient, listRows, textOf } from './patient';
import { SEED_PATH, ensureSeedWorkflows } from './seed';
import {
	T,
	WF,
	assertNoFailedExecutions,
	callWebhook,
	nodeOutput,
	patientPhone,
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

/** The payloads of a template's quick-reply buttons as the simulator received them, in order. */
function quickReplyPayloads(m: SimOutbound): string[] {
	const components = (m.request?.template?.components ?? []) as Array<Record<string, any>>;
	return components
		.filter((c) => c.type === 'button' && c.sub_type === 'quick_reply')
		.sort((a, b) => Number(a.index) - Number(b.index))
		.map((c) => String(c.parameters?.[0]?.payload ?? ''));
}

/** The items a node output in a workflow's executions (every run, newest execution first). */
async function outputsOf(ctx: ScenarioContext, workflow: string, node: string) {
	const runs = await ctx.n8n.executions({ workflowId: workflowId(ctx, workflow), includeData: true });
	return runs.flatMap((e) => nodeOutput(e, node)).filter(Boolean);
}

const KPI_KEYS = ['slotsFreed', 'slotsRefilled'] as const;
const kpiCounts = (r: Record<string, any>) => KPI_KEYS.map((k) => Number(r?.totals?.[k] ?? 0));

/** Reminders sent per practitioner over the whole period, from the KPI report node of the copy's run `n`. */
async function remindersByPractitioner(
	ctx: ScenarioContext,
	copyId: string,
	n: number,
): Promise<Map<string, number>> {
	const latest = (await ctx.n8n.waitForExecutions(copyId, n, 30_000))[n - 1];
	const rows = (nodeOutput(latest, 'KPI report')[0]?.rows ?? []) as Array<Record<string, any>>;
	return new Map(
		rows.filter((r) => r.week === 'total').map((r) => [String(r.practitioner), Number(r.remindersSent)]),
	);
}

/**
 * Both waitlisted patients on the chat page: wait for the offer with its "Quero este horário" button, tap both at
 * once, and return each page's answer.
 */
async function tapOffersOnChatPage(ctx: ScenarioContext, patients: Patient[]): Promise<string[]> {
	const browser = await launchChromium(ctx);
	const pages = await Promise.all(
		patients.map(async (p) => {
			const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
			const q = `phone=${p.phone}&name=${encodeURIComponent(p.name)}`;
			await page.goto(`${ctx.sim.url}/?${q}`, { waitUntil: 'domcontentloaded' });
			return page;
		}),
	);
	const buttons = pages.map((page) =>
		page.locator('button[data-kind="quick-reply"]', { hasText: 'Quero este horário' }).last(),
	);
	for (const [i, page] of pages.entries()) {
		await page
			.getByText(/abriu um horário/)
			.last()
			.waitFor({ timeout: 60_000 });
		await buttons[i].waitFor({ timeout: 10_000 });
	}
	await Promise.all(buttons.map(async (b) => await b.click()));
	const answer = /Pronto! Sua consulta está marcada|Que pena: outro paciente confirmou/;
	return await Promise.all(
		pages.map(async (page) => {
			const bubble = page.locator('[data-testid="clinic-message"]', { hasText: answer }).last();
			await bubble.waitFor({ timeout: 60_000 });
			return (await bubble.innerText()).trim();
		}),
	);
}

export const waitlistBackfillScenario: Scenario = {
	name: 'waitlist-backfill',
	description:
		'Workflows 02 → 01 → 08 → 06: a reminder cancel frees a time, two waitlisted patients tap the offer on the chat page (one booked, one "taken"), the KPI report counts the refill and its charts render',
	requires: {
		nodes: [
			'whatsAppClinicTrigger',
			'whatsAppSendMessage',
			'whatsAppSendTemplate',
			'appointmentSlotLookup',
			'auditLog',
		],
	},
	async run(ctx) {
		const since = Date.now();
		await ensureSeedWorkflows(ctx, CLINIC_RULES);
		await useWorkflow(ctx, joinWorkflow());
		const waitlistId = workflowId(ctx, WAITLIST_WF);
		const kpi = await kpiReportCopy(ctx);
		const kpiBefore = kpiCounts(await kpi.run());
		const remindersBefore = await remindersByPractitioner(ctx, kpi.workflowId, 1);

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

		// Workflow 02 reminds Carla; she taps Cancelar: workflow 01 cancels, offers her other times (last row: the
		// waitlist) and posts the freed time to workflow 08 itself.
		const offersBefore = (await ctx.n8n.executions({ workflowId: waitlistId })).length;
		await callWebhook(ctx, 'clinic-reminders-run', {});
		const reminder = await waitUntil(
			"Carla's reminder",
			async () => (await carla.messages()).find((m) => m.templateName === 'appointment_reminder'),
			120_000,
		);
		const cancelPayload = quickReplyPayloads(reminder)[1];
		assertEqual(cancelPayload, `CANCEL:${appointment.id}`, "the reminder's second button");
		const answer = await carla.tapQuickReply(cancelPayload, 'Cancelar', { expect: 2 });
		assert(
			/consulta foi cancelada/i.test(textOf(answer[0])),
			`cancel answered in pt_BR: "${textOf(answer[0])}"`,
		);
		const rebook = answer.find((m) => listRows(m).length > 0);
		assert(rebook, `other times offered after the cancel: ${answer.map((m) => m.type).join(', ')}`);
		assert(/^Quer marcar outro horário\?/.test(textOf(rebook)), `rebook list text: "${textOf(rebook)}"`);
		const rebookRows = listRows(rebook);
		const waitlistRow = rebookRows[rebookRows.length - 1];
		assertEqual(
			[waitlistRow.id, waitlistRow.title],
			['WAITLIST_JOIN', 'Lista de espera'],
			'the rebook list ends with the waitlist row',
		);
		const cancelled = await waitUntil(
			'workflow 01 posted the freed time to workflow 08',
			async () =>
				(await outputsOf(ctx, WF.inbox, 'Cancel appointment')).find(
					(i) => i.appointment?.id === appointment.id,
				),
			30_000,
			500,
		);
		assertEqual(cancelled.cancelled, true, 'Cancel output');
		await ctx.n8n.waitForExecutions(waitlistId, offersBefore + 1, 60_000);
		const offered = await waitUntil(
			"workflow 08's offers",
			async () => {
				const items = await outputsOf(ctx, WAITLIST_WF, 'Offer freed slot');
				const mine = items.filter((i) => Date.parse(i.slot?.start) === Date.parse(appointment.start));
				return mine.length >= 2 ? mine : undefined;
			},
			60_000,
			500,
		);
		assertEqual(
			offered.map((o) => String(o.patient.phone).replace(/\D/g, '')).sort(),
			waiting.map((p) => p.phone).sort(),
			'offered to the two waiting patients',
		);

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
			const [payload] = quickReplyPayloads(m);
			assert(payload.startsWith('WAITLIST_CLAIM:wo_'), `button payload: ${payload}`);
		}
		ctx.log(`offer: "${textOf(offers[0])}"`);
		const carlaOffers = (await carla.messages()).filter((m) => m.templateName === 'waitlist_offer');
		assertEqual(carlaOffers.length, 0, 'offers to the patient who cancelled');

		// Both tap "Quero este horário" on the chat page at once; the taps reach workflow 01, which hands them to 08.
		const texts = await tapOffersOnChatPage(ctx, waiting);
		ctx.log(`answers: ${texts.map((t) => `"${t}"`).join(' | ')}`);
		const won = texts.filter((t) => t.includes('Pronto! Sua consulta está marcada para'));
		const lost = texts.filter((t) => t.includes('Que pena: outro paciente confirmou esse horário primeiro'));
		assertEqual([won.length, lost.length], [1, 1], 'one booked, one taken');

		// Exactly one booking came out of the claims, at Carla's old time.
		const claims = await waitUntil(
			'both claims in workflow 08',
			async () => {
				const items = (await outputsOf(ctx, WAITLIST_WF, 'Claim offer')).filter((c) =>
					offered.some((o) => o.offerId === c.offerId),
				);
				return items.length >= 2 ? items : undefined;
			},
			30_000,
			500,
		);
		const booked = claims.filter((c) => c.claimed);
		assertEqual(booked.length, 1, `claims that booked (of ${claims.length})`);
		assertEqual(
			Date.parse(booked[0].appointment.start),
			Date.parse(appointment.start),
			'the booking is at the freed time',
		);
		assertEqual(claims.filter((c) => c.reason === 'taken').length, 1, 'claims told "taken"');
		const forwarded = await outputsOf(ctx, WF.inbox, 'Claim in workflow 08');
		assert(forwarded.length >= 2, `workflow 01 handed both taps to 08 (${forwarded.length})`);

		// Workflow 06's KPI report: one more freed slot, one more refilled; its charts render in Chromium.
		const report = await kpi.run();
		const [freed, refilled] = kpiCounts(report).map((n, i) => n - kpiBefore[i]);
		ctx.log(
			`KPI: +${freed} freed, +${refilled} refilled (fill rate ${report.totals?.fillRatePct}% over the period)`,
		);
		assertEqual([freed, refilled], [1, 1], 'the KPI report counts the freed slot and its refill');
		// Workflow 02 audits each reminder with its appointment and practitioner: none lands under "unassigned".
		const remindersAfter = await remindersByPractitioner(ctx, kpi.workflowId, 2);
		const added = (p: string) => (remindersAfter.get(p) ?? 0) - (remindersBefore.get(p) ?? 0);
		ctx.log(
			`reminders added per practitioner: ${[...remindersAfter.keys()].map((p) => `${p} +${added(p)}`)}`,
		);
		assert(added(appointment.practitioner.id) >= 1, "Carla's reminder counted for her practitioner");
		assertEqual(added('unassigned'), 0, 'reminders added under "unassigned"');
		const charts = await drawnCharts(ctx, String(report.savedTo));
		ctx.log(`charts: ${JSON.stringify(charts.map((c) => [c.id, Math.round(c.width), c.marks]))}`);
		// The issue's pictures: no-show and fill-rate trend, response-time distribution, confirmation funnel.
		for (const id of ['trend', 'response-distribution', 'confirmation-funnel']) {
			const c = charts.find((x) => x.id === id);
			assert(
				c && c.width > 300 && c.height > 100 && c.marks.some((m) => m.items > 0),
				`chart ${id} drawn: ${JSON.stringify(c)}`,
			);
		}
		const trend = charts.find((c) => c.id === 'trend');
		assert(
			trend?.marks.some((m) => m.type === 'line' && m.items > 0),
			'the fill-rate trend is drawn',
		);

		// Carla, for whom no other time suits, joins the waitlist from her list's last row.
		const [carlaJoined] = await carla.pickRow(waitlistRow.id, waitlistRow.title);
		assert(
			textOf(carlaJoined).startsWith('Pronto! Você está na lista de espera'),
			`pt_BR join answer after the cancel: "${textOf(carlaJoined)}"`,
		);

		// Workflow 01: no time suits → the list's last row "Lista de espera" joins the waitlist (pt_BR answer).
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
		const entries = await outputsOf(ctx, WF.inbox, 'Join waitlist');
		for (const name of ['Elisa Prado', 'Carla Mendes'])
			assert(
				entries.some((e) => e.status === 'waiting' && e.patient?.name === name),
				`${name}'s waitlist entry from workflow 01: ${JSON.stringify(entries).slice(0, 300)}`,
			);
		await assertNoFailedExecutions(ctx, [WF.inbox, WF.reminders, WAITLIST_WF], since);
	},
};
