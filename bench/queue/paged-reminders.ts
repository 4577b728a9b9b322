/**
 * Workflow 02 (appointment reminders) paged for a large clinic in queue mode, as docs/queue-mode.md recommends and
 * scale-100k runs it:
 *
 *   page workflow   "Run reminder page" webhook { from, to } → workflow 02's nodes as shipped (list → patient
 *                   language → Send reminder with its consent check → audit) for that window; the webhook answers
 *                   when the page has finished (200) or failed (500). Send reminder gets Idempotency Key =
 *                   appointment ID, so running a page again never reminds anyone twice. Reminders that failed for a
 *                   passing reason (store or budget unreachable, network, Meta's 5xx or rate limit) fail the page
 *                   after the audit, so it is run again; refusals that would fail again stay failed items.
 *   coordinator     "Run reminders now" (or the daily schedule) → Pages (the 24–48 h window cut into N-minute pages)
 *                   → Run page: one HTTP request per page to the page webhook, all at once, so the pages queue up in
 *                   Redis and every worker takes some → once every page has answered, a page that failed (its
 *                   execution failed, crashed, or its job stalled) is run again after 20 s, then after 60 s (n8n's
 *                   HTTP Request node answers when all its requests have) → a page that failed three times stops the
 *                   coordinator with an error naming it (n8n's error workflow / executions list shows it).
 *
 * One execution per page keeps each execution's items to one page (memory per worker ≈ concurrency × page), and the
 * retries make a transient failure (a worker killed, a database restart, a stalled job) cost a re-run of one page
 * instead of its reminders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { WorkflowJson, WorkflowNode } from '../../test/stack';

export const PAGE_PATH = 'clinic-reminders-page';
export const RUN_PATH = 'clinic-reminders-run';

export interface PageWorkflowOptions {
	/** Webhook path of this copy (a sampled copy that keeps its execution data has its own). */
	path: string;
	/** Messages per Second on Send reminder (one number, shared by every worker). */
	mps: number;
	/** Keep the data of successful executions (n8n: saveDataSuccessExecution). Default false: n8n drops it. */
	saveSuccessData?: boolean;
	/** Name of the PostgreSQL Clinic Store credential (shared budget and Idempotency Key claims). */
	storeCredential: string;
}

/** Workflow 02's nodes for one page: the window comes from the webhook body; the webhook answers at the end. */
export function pageWorkflow(o: PageWorkflowOptions): WorkflowJson {
	const wf = JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'workflows', '02-appointment-reminders.json'), 'utf8'),
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
	const hook = byName('Run reminders now');
	hook.webhookId = `${o.path}-0000-0000-0000-000000000000`.slice(0, 36);
	hook.parameters = {
		...hook.parameters,
		path: o.path,
		// Answer when the page is done: 200, or 500 when its execution failed, so the coordinator can run it again.
		responseMode: 'lastNode',
		responseData: 'noData',
	};
	const list = byName('List appointments');
	list.parameters = {
		...list.parameters,
		// failOnce (bench fault injection, see coordinatorWorkflow): the expression fails, so the page's execution does.
		windowStart: '={{ $json.body.failOnce ? $json.body.failOnce.injected.failure : $json.body.from }}',
		windowEnd: '={{ $json.body.to }}',
		listLimit: 5000,
	};
	const send = byName('Send reminder');
	send.parameters = {
		...send.parameters,
		options: {
			...(send.parameters.options as object),
			messagesPerSecond: o.mps,
			idempotencyKey: '={{ $json.id }}',
		},
	};
	send.credentials = { ...send.credentials, clinicStoreApi: { name: o.storeCredential } };
	const connections: Record<string, unknown> = Object.fromEntries(
		Object.entries(wf.connections).filter(([from]) => !dropped.has(from)),
	);
	// After the audit: reminders that failed for a passing reason (store or budget unreachable, network, Meta's 5xx or
	// rate limits) fail the page, so the coordinator runs it again; refusals that would fail again (an invalid number,
	// a template problem) stay failed items.
	const audited = byName('Audit reminder');
	const [x, y] = audited.position;
	nodes.push(
		{
			name: 'Not sent for a passing reason?',
			type: 'n8n-nodes-base.filter',
			typeVersion: 2.2,
			position: [x + 220, y],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
					combinator: 'and',
					conditions: [
						{
							id: 'transient-failure',
							leftValue: `={{ !!$json.error && ($json.error.retryable === true || ${JSON.stringify(PASSING_CODES)}.includes($json.error.code)) }}`,
							rightValue: true,
							operator: { type: 'boolean', operation: 'true', singleValue: true },
						},
					],
				},
				options: {},
			},
		},
		{
			name: 'Fail the page (run it again)',
			type: 'n8n-nodes-base.stopAndError',
			typeVersion: 1,
			position: [x + 440, y],
			parameters: {
				errorMessage:
					"={{ $input.all().length + ' reminder(s) of this page were not sent for a passing reason (first: ' + $json.error.message + '): the page fails so that it is run again; reminders already sent are skipped' }}",
			},
		},
	);
	connections[audited.name] = {
		main: [[{ node: 'Not sent for a passing reason?', type: 'main', index: 0 }]],
	};
	connections['Not sent for a passing reason?'] = {
		main: [[{ node: 'Fail the page (run it again)', type: 'main', index: 0 }]],
	};
	return {
		...wf,
		name: `02 · Appointment reminders, one page (${o.path})`,
		nodes,
		connections,
		settings: {
			...(wf.settings ?? {}),
			saveDataSuccessExecution: o.saveSuccessData ? 'all' : 'none',
			saveDataErrorExecution: 'all',
		},
	};
}

/** Error codes of items that were not sent because the Clinic Store was unreachable (nothing left for Meta). */
const PASSING_CODES = ['claim_unavailable', 'send_budget_unavailable'];

/** Retries of a failed page: wait, then run it again (the Idempotency Key skips what an earlier try sent). */
const RETRY_WAITS_S = [20, 60];

/**
 * The coordinator. POST body (all optional): { from, to } (ISO; default 24–48 h from now), pageMinutes (15),
 * pageUrl (the page webhook's URL), sampledUrl + sampleEvery (every sampleEvery-th page goes to sampledUrl instead),
 * failPage (fault injection for the benchmark: the first try of that page fails before sending anything).
 */
export function coordinatorWorkflow(o: { defaultPageUrl: string }): WorkflowJson {
	const pagesCode = `const body = $json.body || {};
const hour = 3600000;
const start = body.from ? Date.parse(body.from) : Date.now() + 24 * hour;
const end = body.to ? Date.parse(body.to) : Date.now() + 48 * hour;
const step = (Number(body.pageMinutes) || 15) * 60000;
const pageUrl = body.pageUrl || ${JSON.stringify(o.defaultPageUrl)};
const pages = [];
for (let t = start; t < end; t += step) {
	const i = pages.length;
	pages.push({ json: {
		page: i + 1,
		from: new Date(t).toISOString(),
		to: new Date(Math.min(t + step, end)).toISOString(),
		failOnce: i + 1 === Number(body.failPage),
		url: body.sampledUrl && body.sampleEvery && (i + 1) % Number(body.sampleEvery) === 0 ? body.sampledUrl : pageUrl,
	} });
}
return pages;`;
	const runPage = (name: string, x: number, first: boolean): WorkflowNode => ({
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [x, 0],
		onError: 'continueRegularOutput',
		parameters: {
			method: 'POST',
			url: "={{ $('Pages').item.json.url }}",
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ from: $('Pages').item.json.from, to: $('Pages').item.json.to${first ? ", failOnce: $('Pages').item.json.failOnce" : ''} }) }}`,
			// A page waits in the queue behind the others, then runs: allow the whole run.
			options: { timeout: 3 * 3600_000 },
		},
	});
	const failed = (name: string, x: number): WorkflowNode => ({
		name,
		type: 'n8n-nodes-base.if',
		typeVersion: 2.2,
		position: [x, 0],
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				combinator: 'and',
				conditions: [
					{
						id: `${name}-error`,
						leftValue: '={{ $json.error !== undefined }}',
						rightValue: true,
						operator: { type: 'boolean', operation: 'true', singleValue: true },
					},
				],
			},
			options: {},
		},
	});
	const wait = (name: string, x: number, seconds: number): WorkflowNode => ({
		name,
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [x, 0],
		webhookId: `${name.replace(/\W+/g, '-').toLowerCase()}-0000-0000-0000-000000000000`.slice(0, 36),
		parameters: { amount: seconds, unit: 'seconds' },
	});
	const tries = RETRY_WAITS_S.length + 1;
	const nodes: WorkflowNode[] = [
		{
			name: 'Run reminders now',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: `${RUN_PATH}-0000-0000-0000-000000000000`.slice(0, 36),
			parameters: { httpMethod: 'POST', path: RUN_PATH, responseMode: 'onReceived', options: {} },
		},
		{
			name: 'Pages',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: { jsCode: pagesCode },
		},
	];
	const connections: Record<string, unknown> = {};
	const link = (from: string, to: string, output = 0) => {
		const main = ((connections[from] as { main: unknown[][] } | undefined)?.main ?? []) as unknown[][];
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: 0 });
		connections[from] = { main };
	};
	link('Run reminders now', 'Pages');
	let previous = 'Pages';
	for (let attempt = 1; attempt <= tries; attempt++) {
		const x = 440 + (attempt - 1) * 660;
		const run = attempt === 1 ? 'Run page' : `Run page again (try ${attempt})`;
		const check = attempt === tries ? `Page failed ${tries} times?` : `Page failed (try ${attempt})?`;
		nodes.push(runPage(run, x, attempt === 1), failed(check, x + 220));
		link(previous, run);
		link(run, check);
		if (attempt < tries) {
			const pause = `Wait ${RETRY_WAITS_S[attempt - 1]} s`;
			nodes.push(wait(pause, x + 440, RETRY_WAITS_S[attempt - 1]));
			link(check, pause);
			previous = pause;
		}
	}
	const stop: WorkflowNode = {
		name: 'Stop: pages not sent',
		type: 'n8n-nodes-base.stopAndError',
		typeVersion: 1,
		position: [440 + tries * 660, 0],
		parameters: {
			errorMessage: `={{ $input.all().length + ' reminder page(s) failed ${tries} times, their reminders were not all sent (pages starting ' + $input.all().map((_, k) => $('Pages').itemMatching(k).json.from).join(', ') + '). Call Run reminders now again: reminders already sent are skipped.' }}`,
		},
	};
	nodes.push(stop);
	link(`Page failed ${tries} times?`, stop.name);
	return {
		name: '02 · Appointment reminders (paged coordinator)',
		nodes,
		connections,
		settings: { executionOrder: 'v1', timezone: 'America/Sao_Paulo' },
	};
}
