/**
 * Shipped workflow 10 (appointment reminders in pages, scripts/workflows/appointment-reminders-paged.ts) as
 * scale-100k runs it: the workflow as clinics import it, split into its two parts so the benchmark can read them
 * apart, with the benchmark's own levers patched in:
 *
 *   page         "Run reminder page" and what follows, as shipped (successful executions not saved), plus Messages
 *                per Second and the PostgreSQL Clinic Store credential; a sampled copy on its own path keeps its
 *                execution data (node times); `failPage` makes the page's window expression fail when the request
 *                says `failOnce` (fault injection: that page's execution fails before sending anything).
 *   coordinator  "Run reminders now" and what follows, as shipped, but keeping its execution data (the benchmark
 *                reads pages per try); every `sampleEvery`-th page goes to the sampled copy; the first try of page
 *                `failPage` carries `failOnce`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PAGED_RUN_PATH, PAGE_PATH } from '../../scripts/workflows/appointment-reminders-paged';
import type { WorkflowJson, WorkflowNode } from '../../test/stack';

export { PAGE_PATH };
export const RUN_PATH = PAGED_RUN_PATH;

const SHIPPED = join(__dirname, '..', '..', 'workflows', '10-appointment-reminders-paged.json');

/** The part of shipped workflow 10 that starts at `trigger`: every node reachable from it, and their links. */
function part(trigger: string, name: string, settings: Record<string, unknown>): WorkflowJson {
	const wf = JSON.parse(readFileSync(SHIPPED, 'utf8')) as WorkflowJson;
	const links = wf.connections as Record<string, { main: Array<Array<{ node: string }>> }>;
	const keep = new Set([trigger]);
	for (const from of keep) for (const out of links[from]?.main ?? []) for (const to of out) keep.add(to.node);
	return {
		...wf,
		name,
		nodes: wf.nodes.filter((n) => keep.has(n.name)),
		connections: Object.fromEntries(Object.entries(links).filter(([from]) => keep.has(from))),
		settings: { ...(wf.settings ?? {}), ...settings },
	};
}

function node(wf: WorkflowJson, name: string): WorkflowNode {
	const found = wf.nodes.find((n) => n.name === name);
	if (!found)
		throw new Error(`workflow 10 has no node "${name}" (nodes: ${wf.nodes.map((n) => n.name).join(', ')})`);
	return found;
}

export interface PageWorkflowOptions {
	/** Webhook path of this copy (the sampled copy that keeps its execution data has its own). */
	path: string;
	/** Messages per Second on Send reminder (one number, shared by every worker). */
	mps: number;
	/** Keep the data of successful executions (n8n: saveDataSuccessExecution). Default false, as shipped. */
	saveSuccessData?: boolean;
	/** Name of the PostgreSQL Clinic Store credential (shared budget and Idempotency Key claims). */
	storeCredential: string;
}

/** The page part of workflow 10 (its webhook answers when the page has finished or failed). */
export function pageWorkflow(o: PageWorkflowOptions): WorkflowJson {
	const wf = part(
		'Run reminder page',
		`10 · Appointment reminders, one page (${o.path})`,
		o.saveSuccessData ? { saveDataSuccessExecution: 'all' } : {},
	);
	const hook = node(wf, 'Run reminder page');
	hook.webhookId = `${o.path}-0000-0000-0000-000000000000`.slice(0, 36);
	hook.parameters = { ...hook.parameters, path: o.path };
	const list = node(wf, 'List appointments of the page');
	// failOnce (fault injection, see coordinatorWorkflow): the expression fails, so the page's execution does.
	list.parameters = {
		...list.parameters,
		windowStart: '={{ $json.body.failOnce ? $json.body.failOnce.injected.failure : $json.body.from }}',
	};
	const send = node(wf, 'Send reminder');
	send.parameters = {
		...send.parameters,
		options: { ...(send.parameters.options as object), messagesPerSecond: o.mps },
	};
	for (const n of wf.nodes)
		if (n.credentials?.clinicStoreApi)
			n.credentials = { ...n.credentials, clinicStoreApi: { name: o.storeCredential } };
	return wf;
}

/**
 * The coordinator part of workflow 10. POST body as shipped: { from, to, pageMinutes, pageUrl } (all optional);
 * `sampleEvery`: every sampleEvery-th page goes to `<pageUrl>-sampled`; `failPage`: the first try of that page fails.
 */
export function coordinatorWorkflow(o: { sampleEvery?: number; failPage?: number } = {}): WorkflowJson {
	const wf = part('Run reminders now', '10 · Appointment reminders in pages (coordinator)', {
		saveDataSuccessExecution: 'all',
	});
	const page = "$('Pages').item.json";
	for (const n of wf.nodes.filter((x) => x.type === 'n8n-nodes-base.httpRequest')) {
		if (o.sampleEvery)
			n.parameters = {
				...n.parameters,
				url: `={{ ${page}.page % ${o.sampleEvery} === 0 ? ${page}.url + '-sampled' : ${page}.url }}`,
			};
		if (n.name === 'Run page' && o.failPage)
			n.parameters = {
				...n.parameters,
				jsonBody: `={{ JSON.stringify({ from: ${page}.from, to: ${page}.to, failOnce: ${page}.page === ${o.failPage} }) }}`,
			};
	}
	return wf;
}
