/**
 * Workflow 06 end to end (issue 18 part 2): patients confirm a reminder, miss or attend a visit and answer the survey
 * (real workflows 01/02 in n8n); a copy of workflow 06 runs the Audit Log node's KPI Report, saves the HTML with n8n's
 * Read/Write Files node and e-mails it with n8n's Send Email node to an SMTP sink started here; the figures count what
 * happened (and the waitlist refill, when the waitlist-backfill scenario ran before); headless Chromium opens the
 * saved HTML and finds the charts drawn (SVG with their marks): four always, the fifth (calls by week) when a call was
 * recorded in the period (the call-me scenario before, in the same stack).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { WORKFLOWS_DIR } from '../../stack/clinic-stack';
import type { WorkflowJson } from '../../stack/n8n';
import { waitUntil } from '../../stack/proc';
import { assert, assertEqual, type Scenario, type ScenarioContext } from '../scenario';
import { launchChromium } from './chromium';
import { textOf } from './patient';
import { bookDirect, setStatus } from './services';
import { startSmtpSink } from './smtp-sink';
import { WF, assertNoFailedExecutions, callWebhook, useWorkflow } from './util';

const PATH = 'e2e-kpi-report';
const COPY = '06 · Weekly KPI report (e2e copy)';
const SINK_CREDENTIAL = 'E2E SMTP sink';
const MANAGER = 'manager@clinic.test';
const WAITLIST_WF = '08 · Waitlist backfill';

/** Workflow 06 as shipped, with the webhook on its own path, its file saved in `folder` and mail to the sink. */
function workflowCopy(folder: string): WorkflowJson {
	const wf = JSON.parse(readFileSync(join(WORKFLOWS_DIR, '06-kpi-report.json'), 'utf8')) as WorkflowJson;
	wf.name = COPY;
	const schedules = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.scheduleTrigger').map((n) => n.name);
	wf.nodes = wf.nodes.filter((n) => !schedules.includes(n.name));
	for (const name of schedules) delete wf.connections[name];
	const node = (name: string) => {
		const found = wf.nodes.find((n) => n.name === name);
		assert(found, `workflow 06 has a node "${name}"`);
		return found;
	};
	for (const n of wf.nodes) delete n.id;
	const hook = node('Build report now');
	hook.parameters.path = PATH;
	hook.webhookId = `${PATH}-0000-0000-000000000001`;
	// The appointments this scenario books are 1–3 days ahead: the period runs to 4 days from now.
	node('KPI report').parameters.to = '={{ $now.plus({ days: 4 }) }}';
	const save = node('Save report');
	save.parameters.fileName = String(save.parameters.fileName).replace(/'[^']*\.n8n-files\/'/, `'${folder}/'`);
	assert(String(save.parameters.fileName).includes(folder), 'Save report writes into the e2e folder');
	const mail = node('E-mail report');
	mail.parameters.toEmail = MANAGER;
	mail.credentials = { smtp: { name: SINK_CREDENTIAL } };
	return wf;
}

/**
 * Workflow 06's copy imported for this scenario, with an SMTP sink (and its credential) and a report folder; `run()`
 * builds the report through the copy's webhook and returns its answer (totals, savedTo…). Also used by the
 * waitlist scenario (the refill in the report).
 */
export async function kpiReportCopy(ctx: ScenarioContext) {
	const sink = await startSmtpSink();
	ctx.defer(async () => await sink.close());
	await ctx.n8n.createCredential({
		name: SINK_CREDENTIAL,
		type: 'smtp',
		data: {
			host: '127.0.0.1',
			port: sink.port,
			secure: false,
			disableStartTls: true,
			user: '',
			password: '',
		},
	});
	// n8n may write only under ~/.n8n-files (N8N_RESTRICT_FILE_ACCESS_TO's default), in a folder that exists.
	const folder = join(homedir(), '.n8n-files', `wac-e2e-kpi-${process.pid}-${Date.now()}`);
	mkdirSync(folder, { recursive: true });
	ctx.defer(() => rmSync(folder, { recursive: true, force: true }));
	const workflowId = await useWorkflow(ctx, workflowCopy(folder));
	const run = async (): Promise<Record<string, any>> => {
		const answer = await callWebhook(ctx, PATH, {});
		return Array.isArray(answer) ? answer[0] : answer;
	};
	return { sink, folder, run, workflowId };
}

/** The patients' side: a confirmed reminder, a no-show, an attended visit with a "Good" survey answer. */
async function clinicWeek(ctx: ScenarioContext): Promise<{ practitionerId: string }> {
	const kat = await bookDirect(ctx, 'Kátia Lima', 26);
	await callWebhook(ctx, 'clinic-reminders-run', {});
	await waitUntil(
		'the reminder to Kátia',
		async () => (await kat.patient.messages()).find((m) => m.templateName === 'appointment_reminder'),
		120_000,
	);
	const thanks = await kat.patient.tapQuickReply(`CONFIRM:${kat.appointment.id}`, 'Confirm');
	// The bot answers in the patient's language (pt_BR for a Brazilian number): "…confirmada…" / "…confirmed…".
	assert(/confirm/i.test(textOf(thanks[0])), `confirmation answered: "${textOf(thanks[0])}"`);

	const nilo = await bookDirect(ctx, 'Nilo Reis', 50);
	await setStatus(ctx, nilo.appointment.id, 'noshow');
	const flora = await bookDirect(ctx, 'Flora Dias', 52);
	await setStatus(ctx, flora.appointment.id, 'fulfilled');
	const feedback = await flora.patient.tapQuickReply(`CSAT:GOOD:${flora.appointment.id}`, 'Good');
	assert(
		/feedback|avalia|opini/i.test(textOf(feedback[0])),
		`survey answer thanked: "${textOf(feedback[0])}"`,
	);
	return { practitionerId: String(kat.appointment.practitioner?.id ?? '') };
}

export interface DrawnChart {
	id: string | null;
	width: number;
	height: number;
	/** Per mark group (role-mark): its mark type and how many items it drew. */
	marks: Array<{ type: string; items: number }>;
}

/** Opens the saved report in headless Chromium and reads what each chart drew. */
export async function drawnCharts(ctx: ScenarioContext, file: string): Promise<DrawnChart[]> {
	const browser = await launchChromium(ctx);
	const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
	const blocked: string[] = [];
	await page.route('**/*', async (route) => {
		const url = route.request().url();
		if (url.startsWith('file:')) return await route.continue();
		blocked.push(url);
		return await route.abort();
	});
	await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
	assert(blocked.length === 0, `the report loads nothing from the network: ${blocked.join(', ')}`);
	return await page.evaluate(() =>
		Array.from((globalThis as any).document.querySelectorAll('figure[data-chart]')).map((figure: any) => {
			const svg = figure.querySelector('svg');
			const box = svg?.getBoundingClientRect();
			const groups = svg ? Array.from(svg.querySelectorAll('g.role-mark')) : [];
			return {
				id: figure.getAttribute('data-chart'),
				width: box?.width ?? 0,
				height: box?.height ?? 0,
				marks: groups.map((g: any) => ({
					type: String(g.getAttribute('class')).split(' ')[0].replace('mark-', ''),
					items: g.querySelectorAll(':scope > path, :scope > text, :scope > line').length,
				})),
			};
		}),
	);
}

export const kpiReportScenario: Scenario = {
	name: 'kpi-report',
	description:
		'Workflow 06: KPI Report counts confirmations, no-shows, CSAT (and the waitlist refill), saves the HTML, e-mails it by SMTP; Chromium finds its charts drawn',
	requires: {
		nodes: [
			'auditLog',
			'appointmentSlotLookup',
			'whatsAppClinicTrigger',
			'whatsAppSendTemplate',
			'consentCheck',
		],
	},
	async run(ctx) {
		const since = Date.now();
		const { practitionerId } = await clinicWeek(ctx);

		const { sink, folder, run } = await kpiReportCopy(ctx);
		const result = await run();
		const t = result?.totals;
		ctx.log(`totals: ${JSON.stringify(t)}`);
		assert(t, `the webhook answers the totals: ${JSON.stringify(result).slice(0, 300)}`);
		assert(t.messagesSent > 0 && t.messagesReceived > 0, 'messages counted');
		assert(t.deliveryRatePct > 0, `delivery rate (${t.deliveryRatePct})`);
		assert(t.responseMedianSeconds !== null && t.responses > 0, 'response times measured');
		assert(t.remindersSent >= 1 && t.remindersConfirmed >= 1, 'the reminder and its confirmation counted');
		assert(t.confirmationRatePct > 0, `confirmation rate (${t.confirmationRatePct})`);
		assert(
			t.noShows >= 1 && t.attended >= 1,
			`no-show and attended visit counted (${t.noShows}, ${t.attended})`,
		);
		assert(t.noShowRatePct > 0 && t.noShowRatePct < 100, `no-show rate (${t.noShowRatePct})`);
		assert(t.csatAnswers >= 1 && t.csatPct > 0, `CSAT (${t.csatAnswers} answers, ${t.csatPct}%)`);
		assert(
			practitionerId && result.practitioners.includes(practitionerId),
			`rows for the appointment's practitioner ${practitionerId}: ${result.practitioners}`,
		);
		// The refill: counted when the waitlist-backfill scenario ran before in this stack and a patient took the slot.
		const waitlistId = ctx.n8n.workflowIds[WAITLIST_WF];
		const waitlistRuns = waitlistId
			? await ctx.n8n.executions({ workflowId: waitlistId, includeData: true })
			: [];
		if (waitlistRuns.some((e) => JSON.stringify(e.data ?? {}).includes('"claimed":true'))) {
			assert(
				t.slotsFreed >= 1 && t.slotsRefilled >= 1 && t.fillRatePct > 0,
				`the waitlist refill counted (${t.slotsRefilled} of ${t.slotsFreed})`,
			);
			ctx.log(`waitlist: ${t.slotsRefilled} of ${t.slotsFreed} freed slots refilled (${t.fillRatePct}%)`);
		} else
			ctx.log('waitlist: no slot was claimed in this stack (run with waitlist-backfill to see the refill)');

		const mail = await waitUntil(
			'the KPI e-mail in the SMTP sink',
			async () => sink.messages.find((m) => m.to.includes(MANAGER)),
			30_000,
		);
		assert(/^Subject: Clinic KPI report, /m.test(mail.data), 'e-mail subject');
		const attached = [
			...mail.data.matchAll(/Content-Disposition: attachment;\s*filename="?([^"\r\n;]+)/g),
		].map((m) => m[1]);
		assert(
			attached.some((f) => f.endsWith('.html')) && attached.some((f) => f.endsWith('.csv')),
			`the HTML report and the CSV attached: ${attached.join(', ')}`,
		);
		ctx.log(`e-mail to ${mail.to.join(', ')} with ${attached.join(', ')} (${mail.data.length} bytes)`);

		assert(String(result.savedTo ?? '').startsWith(folder), `report saved in the folder: ${result.savedTo}`);
		const charts = await drawnCharts(ctx, result.savedTo);
		ctx.log(`charts: ${JSON.stringify(charts.map((c) => [c.id, Math.round(c.width), c.marks]))}`);
		const chart = (id: string) => {
			const c = charts.find((x) => x.id === id);
			assert(c && c.width > 300 && c.height > 100, `chart ${id} drawn at a readable size`);
			return c;
		};
		const items = (c: DrawnChart, type: string) =>
			c.marks.filter((m) => m.type === type).reduce((n, m) => n + m.items, 0);
		assertEqual(
			charts.map((c) => c.id),
			['trend', 'response-distribution', 'response-by-day', 'confirmation-funnel', 'calls'],
			'the five charts',
		);
		const trend = chart('trend');
		assert(items(trend, 'line') >= 1 && items(trend, 'symbol') >= 1, 'trend: lines with points');
		assert(items(chart('response-distribution'), 'rect') === 7, 'distribution: one bar per bin');
		assert(items(chart('response-by-day'), 'line') >= 1, 'response times by day: lines');
		const funnel = chart('confirmation-funnel');
		assert(items(funnel, 'rect') === 4 && items(funnel, 'text') === 4, 'funnel: 4 labelled bars');
		// Calls: drawn when a call ended in the period (call-me before, in this stack), else "No data in this period".
		const calls = t.callsHandled + t.callsMissed + t.callsUnanswered;
		if (calls > 0) assert(items(chart('calls'), 'rect') >= 1, `calls: bars for ${calls} calls`);
		else assert(charts.find((c) => c.id === 'calls')?.width === 0, 'calls: no chart without calls');
		ctx.log(`calls: ${t.callsHandled} handled, ${t.callsMissed} missed, ${t.callsUnanswered} not taken`);
		await assertNoFailedExecutions(ctx, [COPY, WF.inbox, WF.reminders], since);
	},
};
