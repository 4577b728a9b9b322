/** Helpers shared by scenarios. */
import type { ExecutionSummary, WorkflowJson, WorkflowNode } from '../../stack/n8n';
import { PACKAGE_NAME } from '../../stack/paths';
import { sleep } from '../../stack/proc';
import { assertEqual, type ScenarioContext } from '../scenario';

export const T = (name: string) => `${PACKAGE_NAME}.${name}`;

/** Items a node output on its first run (output 0 unless given). */
export function nodeOutput(
	execution: ExecutionSummary,
	nodeName: string,
	output = 0,
): Array<Record<string, any>> {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return (runs[0].data?.main?.[output] ?? []).map((i) => i.json);
}

export function nodeRan(execution: ExecutionSummary, nodeName: string): boolean {
	return Boolean(execution.data?.resultData.runData[nodeName]?.length);
}

export function executionError(execution: ExecutionSummary): string | undefined {
	const err = execution.data?.resultData.error;
	if (!err) return undefined;
	return `${execution.data?.resultData.lastNodeExecuted ?? '?'}: ${err.message ?? ''} ${err.description ?? ''}`.trim();
}

/** Imports a workflow for one scenario, publishes it, and unpublishes it afterwards. */
export async function useWorkflow(ctx: ScenarioContext, wf: WorkflowJson): Promise<string> {
	const id = await ctx.n8n.importWorkflow(wf);
	ctx.defer(async () => {
		await ctx.n8n.deactivate(id).catch(() => undefined);
	});
	return id;
}

/** Points the simulator at `url` for this scenario and back at the stack's inbox afterwards. */
export async function useCallback(ctx: ScenarioContext, url: string): Promise<void> {
	await ctx.sim.setCallback(url);
	ctx.defer(async () => {
		if (ctx.stack.inboxWebhookUrl) await ctx.sim.setCallback(ctx.stack.inboxWebhookUrl);
	});
}

/** Waits `ms` and returns how many executions the workflow has (to prove that nothing new started). */
export async function settleCount(ctx: ScenarioContext, workflowId: string, ms = 2500): Promise<number> {
	await sleep(ms);
	return (await ctx.n8n.executions({ workflowId })).length;
}

let counter = 0;
/** A unique Brazilian mobile number per call, so scenarios never share patients in the store. */
export function patientPhone(): string {
	counter += 1;
	const n = String((Date.now() % 1_000_000) * 100 + counter)
		.padStart(8, '0')
		.slice(-8);
	return `55119${n}`;
}

export const WF = {
	inbox: '01 · Patient inbox and appointment booking bot',
	reminders: '02 · Appointment reminders',
	lab: '03 · Lab results ready',
	telemedicine: '04 · Telemedicine handoff (staff desk)',
	followUp: '05 · Post-visit follow-up and satisfaction survey',
	kpi: '06 · Weekly KPI report',
} as const;

export function workflowId(ctx: ScenarioContext, name: string): string {
	const id = ctx.n8n.workflowIds[name];
	if (!id)
		throw new Error(
			`workflow "${name}" was not imported${ctx.stack.importErrors ? `: ${JSON.stringify(ctx.stack.importErrors)}` : ''}`,
		);
	return id;
}

/** Fails when any execution of these workflows that started after `since` ended in an error. */
export async function assertNoFailedExecutions(
	ctx: ScenarioContext,
	names: string[],
	since: number,
): Promise<void> {
	const problems: string[] = [];
	for (const name of names) {
		const id = ctx.n8n.workflowIds[name];
		if (!id) continue;
		const list = await ctx.n8n.executions({ workflowId: id, includeData: true });
		for (const e of list) {
			if (Date.parse(e.startedAt) < since) continue;
			if (e.status === 'error' || e.status === 'crashed')
				problems.push(`${name} #${e.id}: ${executionError(e) ?? e.status}`);
		}
	}
	if (problems.length) throw new Error(`failed executions:\n${problems.join('\n')}`);
}

/** POSTs JSON to a production webhook of this n8n and returns the parsed answer. */
export async function callWebhook(ctx: ScenarioContext, path: string, body: unknown): Promise<any> {
	const r = await fetch(`${ctx.n8n.webhookBaseUrl}webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await r.text();
	if (!r.ok) {
		// Name the failing node: the newest failed execution tells why the webhook answered an error.
		const failed = (await ctx.n8n.executions({ status: 'error', includeData: true }).catch(() => []))[0];
		const why = failed ? ` (execution #${failed.id}: ${executionError(failed)})` : '';
		throw new Error(`POST /webhook/${path} → ${r.status}: ${text.slice(0, 300)}${why}`);
	}
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/**
 * Switches the simulator's webhook off for this scenario (so the patient-inbox bot does not answer the test
 * patients) and back on afterwards.
 */
export async function isolate(ctx: ScenarioContext): Promise<void> {
	await ctx.sim.control('POST', '/config', { webhookUrl: '' });
	ctx.defer(async () => {
		if (ctx.stack.inboxWebhookUrl) await ctx.sim.setCallback(ctx.stack.inboxWebhookUrl);
	});
}

/** Runs a workflow through its webhook and returns its (single, newest) finished execution. */
export async function runOnce(ctx: ScenarioContext, workflowId: string, path: string, body: unknown) {
	const before = (await ctx.n8n.executions({ workflowId })).length;
	const answer = await callWebhook(ctx, path, body);
	const executions = await ctx.n8n.waitForExecutions(workflowId, before + 1);
	const execution = executions[executions.length - 1];
	assertEqual(execution.status, 'success', `execution status (${executionError(execution) ?? ''})`);
	return { answer, execution };
}

/** The "Start" node of a test workflow: POST /webhook/<path>, answering with the last node's items. */
export function webhookNode(path: string): WorkflowNode {
	return {
		name: 'Start',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: `e2e-${path}-0000-0000-000000000001`,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
}
