/**
 * 10 · Appointment reminders in pages: workflow 02 for clinic networks with thousands of reminders a day (queue
 * mode), in one workflow with two parts (docs/queue-mode.md "Large reminder runs: pages and retries"):
 *
 *   coordinator  daily schedule / "Run reminders now" → Pages (the 24–48 h window cut into 15-minute pages) → Run page:
 *                one HTTP request per page to this workflow's own "Run reminder page" webhook, all at once, so the
 *                pages queue up and every worker takes some → a page that failed is run again after 20 s, then
 *                after 60 s → a page that failed three times stops the run with an error naming its window.
 *   page         "Run reminder page" { from, to } → workflow 02's steps (reminderSteps) for that window, with
 *                Idempotency Key = appointment ID + start (a page run again never reminds anyone twice) → reminders not sent
 *                for a passing reason fail the page after the audit, so that it is run again. The webhook answers
 *                when the page has finished (200) or failed (500).
 */
import { Flow, X } from './flow';
import { reminderSteps } from './appointment-reminders';
import { builtinScheduler, code, slotLookup } from './nodes';

export const PAGED_REMINDERS_NAME = '10 · Appointment reminders in pages';
export const PAGED_RUN_PATH = 'clinic-reminders-paged-run';
export const PAGE_PATH = 'clinic-reminders-page';
/** Waits before a failed page is run again (its 2nd and 3rd try). */
export const RETRY_WAITS_S = [20, 60];
/** Error codes of reminders not sent because the Clinic Store was unreachable (nothing reached Meta). */
const PASSING_CODES = ['claim_unavailable', 'send_budget_unavailable'];
const PAGE_ROW = 700;

/** Settings of the whole workflow: one saved execution per page would fill the database; failed ones are kept. */
const SETTINGS = {
	saveDataSuccessExecution: 'none',
	saveDataErrorExecution: 'all',
	saveExecutionProgress: false,
};

const PAGES_CODE = `
// POST body of "Run reminders now" (all optional): { from, to } (ISO; default 24–48 h from now), pageMinutes (15),
// pageUrl (default: this workflow's own "Run reminder page" webhook on this n8n).
const body = $json.body || {};
const hour = 3600000;
const start = body.from ? Date.parse(body.from) : Date.now() + 24 * hour;
const end = body.to ? Date.parse(body.to) : Date.now() + 48 * hour;
const step = (Number(body.pageMinutes) || 15) * 60000;
const url = body.pageUrl || $execution.resumeUrl.replace(/webhook-waiting\\/.*$/, 'webhook/${PAGE_PATH}');
const pages = [];
for (let t = start; t < end; t += step)
	pages.push({ json: { page: pages.length + 1, from: new Date(t).toISOString(), to: new Date(Math.min(t + step, end)).toISOString(), url } });
return pages;`;

/** True when the item failed (its HTTP request or its page did). */
const failedCondition = (id: string, expression: string) => ({
	conditions: {
		options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
		combinator: 'and',
		conditions: [
			{
				id,
				leftValue: `={{ ${expression} }}`,
				rightValue: true,
				operator: { type: 'boolean', operation: 'true', singleValue: true },
			},
		],
	},
	options: {},
});

function sticky(f: Flow): void {
	f.sticky(
		[
			'## Appointment reminders in pages',
			'Use this **instead of workflow 02** when the clinic network sends **thousands of reminders a day** and n8n runs in **queue mode** (docs/queue-mode.md). Activate only one of the two.',
			'',
			'**Top row (coordinator)**: every day at 09:00, or when staff call *Run reminders now*, *Pages* cuts the next 24–48 h into 15-minute pages and *Run page* calls this workflow’s own *Run reminder page* webhook once per page, all at once: the pages queue up and every worker takes some, so no execution holds the whole day. A page that failed (an unreachable store, Meta busy, a worker restarted) is run again after 20 s, then after 60 s; a page that failed three times stops the run with an error naming its window (see Executions, or your error workflow).',
			'',
			'**Bottom row (one page)**: workflow 02’s steps for the page’s window (patient language, consent check right before sending, audit). *Idempotency Key* = appointment ID and start time, so a page run again never reminds anyone twice. Reminders not sent for a passing reason fail the page after the audit, so it is run again; refusals that would fail again stay failed items.',
			'',
			'**Setup**: as workflow 02, with a **PostgreSQL** Clinic Store credential (shared by every worker). Successful executions are not saved (Settings), failed ones are. Calling it by hand: POST *Run reminders now* with `{ "from": …, "to": …, "pageMinutes": 15 }` (all optional).',
		].join('\n'),
		[-700, -80],
		640,
		700,
	);
}

/** Top row: Pages → Run page → (failed? wait → run again) × 2 → stop naming the pages that failed three times. */
function coordinator(f: Flow): void {
	const schedule = f.add('Every day at 09:00', 'n8n-nodes-base.scheduleTrigger', 1.2, [X(0), 100], {
		rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 9 }] },
	});
	const now = f.add(
		'Run reminders now',
		'n8n-nodes-base.webhook',
		2,
		[X(0), 320],
		{ httpMethod: 'POST', path: PAGED_RUN_PATH, responseMode: 'onReceived', options: {} },
		{ webhookId: f.webhookId('Run reminders now') },
	);
	const pages = f.add('Pages', 'n8n-nodes-base.code', 2, [X(1), 200], code(PAGES_CODE));
	f.connect(schedule, pages);
	f.connect(now, pages);
	const tries = RETRY_WAITS_S.length + 1;
	let previous = pages;
	for (let attempt = 1; attempt <= tries; attempt++) {
		const col = 2 + (attempt - 1) * 3;
		const run = f.add(
			attempt === 1 ? 'Run page' : `Run page again (try ${attempt})`,
			'n8n-nodes-base.httpRequest',
			4.2,
			[X(col), 200],
			{
				method: 'POST',
				url: "={{ $('Pages').item.json.url }}",
				sendBody: true,
				specifyBody: 'json',
				jsonBody: "={{ JSON.stringify({ from: $('Pages').item.json.from, to: $('Pages').item.json.to }) }}",
				// A page waits in the queue behind the others, then runs: allow the whole run.
				options: { timeout: 3 * 3600_000 },
			},
			{ onError: 'continueRegularOutput' },
		);
		f.connect(previous, run);
		const check = f.add(
			attempt === tries ? `Page failed ${tries} times?` : `Page failed (try ${attempt})?`,
			'n8n-nodes-base.if',
			2.2,
			[X(col + 1), 200],
			failedCondition(`page-failed-${attempt}`, '$json.error !== undefined'),
		);
		f.connect(run, check);
		if (attempt < tries) {
			const seconds = RETRY_WAITS_S[attempt - 1];
			previous = f.add(
				`Wait ${seconds} s`,
				'n8n-nodes-base.wait',
				1.1,
				[X(col + 2), 200],
				{ amount: seconds, unit: 'seconds' },
				{ webhookId: f.webhookId(`Wait ${seconds} s`) },
			);
			f.connect(check, previous);
		} else {
			const stop = f.add('Stop: pages not sent', 'n8n-nodes-base.stopAndError', 1, [X(col + 2), 200], {
				errorMessage: `={{ $input.all().length + ' reminder page(s) failed ${tries} times, their reminders were not all sent (pages starting ' + $input.all().map((_, k) => $('Pages').itemMatching(k).json.from).join(', ') + '). Call Run reminders now again: reminders already sent are skipped.' }}`,
			});
			f.connect(check, stop);
		}
	}
}

/** Bottom row: one page's window through workflow 02's steps; a reminder not sent for a passing reason fails it. */
function page(f: Flow): void {
	const hook = f.add(
		'Run reminder page',
		'n8n-nodes-base.webhook',
		2,
		[X(0), PAGE_ROW],
		// Answers when the page is done: 200, or 500 when its execution failed (the coordinator runs it again).
		{ httpMethod: 'POST', path: PAGE_PATH, responseMode: 'lastNode', responseData: 'noData', options: {} },
		{ webhookId: f.webhookId('Run reminder page') },
	);
	const list = slotLookup(
		f,
		'List appointments of the page',
		[X(1), PAGE_ROW],
		builtinScheduler('listAppointments', {
			windowStart: '={{ $json.body.from }}',
			windowEnd: '={{ $json.body.to }}',
			statuses: ['booked'],
			listLimit: 5000,
			locale: 'pt-BR',
		}),
	);
	f.connect(hook, list);
	const audited = reminderSteps(f, list, 2, PAGE_ROW);
	const passing = f.add(
		'Not sent for a passing reason?',
		'n8n-nodes-base.filter',
		2.2,
		[X(6), PAGE_ROW - 100],
		failedCondition(
			'passing-failure',
			`!!$json.error && ($json.error.retryable === true || ${JSON.stringify(PASSING_CODES)}.includes($json.error.code))`,
		),
	);
	f.connect(audited.sent, passing);
	const fail = f.add(
		'Fail the page (run it again)',
		'n8n-nodes-base.stopAndError',
		1,
		[X(7), PAGE_ROW - 100],
		{
			errorMessage:
				"={{ $input.all().length + ' reminder(s) of this page were not sent for a passing reason (first: ' + $json.error.message + '): the page fails so that it is run again; reminders already sent are skipped' }}",
		},
	);
	f.connect(passing, fail);
}

export function pagedReminders(): Flow {
	const f = new Flow(PAGED_REMINDERS_NAME, 'wac-reminders-paged', SETTINGS);
	sticky(f);
	coordinator(f);
	page(f);
	return f;
}
