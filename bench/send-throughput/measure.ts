/**
 * One run of one sender and what it achieved: accepted/delivered/lost/duplicate messages (from the simulator),
 * error items (from the execution), the sender node's time and n8n's CPU; and the in-process execute path of our
 * node against a 100 ms Graph stub (no n8n).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import type { Simulator } from '../../simulator';
import type { N8nInstance } from '../../test/stack';
import { LATENCY_MS, MPS, PHONE_NUMBER_ID, TEMPLATE, WABA_ID } from './scenario';
import { type Variant, workflow } from './senders';

export interface Measured {
	items: number;
	accepted: number;
	delivered: number;
	lost: number;
	/** Accepted messages beyond the first per recipient: a patient got the same template twice or more. */
	duplicates: number;
	errors: number;
	rateLimitErrors: number;
	nodeMs: number;
	wallMs: number;
	perSecond: number;
	/** CPU time of the n8n main process per item (user + system), independent of machine load. */
	cpuMsPerItem: number;
	/** ms from the sender node's start to the first accepted message, and from the last one to the node's end. */
	leadMs: number;
	tailMs: number;
	/** 130429 answers the simulator gave (ours retries them inside the node; others surface or lose them). */
	refusedThroughput: number;
	/**
	 * Spacing at the simulator's counter between accepted message k and k + cap (ms): ≥ 1,000 everywhere means the
	 * sender never had a full window; its 1st percentile shows how much headroom the sender's jitter left.
	 */
	capSpacingMs: { min: number; p1: number; median: number };
	/** First error item (truncated), to show what a user sees. */
	sampleError?: string;
}

/**
 * Starts the workflow and waits for its answer (responseMode lastNode: the end of the execution) on a fresh
 * connection with no timeout: fetch's pooled keep-alive socket can be stale after a long execution on a loaded
 * machine, and its 300 s headers timeout is shorter than the built-in node's Retry On Fail run can take there.
 */
async function postWebhook(url: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const request = httpRequest(
			url,
			{ method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
			(response) => {
				response.resume();
				response.on('end', () => resolve());
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end('{}');
	});
}

/** utime + stime of a process in ms (Linux /proc). */
function cpuMs(pid: number | undefined): number {
	if (!pid) return NaN;
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return NaN;
	}
}

export async function measure(
	n8n: N8nInstance,
	sim: Simulator,
	variant: Variant,
	items: number,
): Promise<Measured> {
	sim.reset();
	await sim.configure({ mps: variant.mps });
	await new Promise((r) => setTimeout(r, 1500)); // let the simulator's 1 s throughput window empty
	const wf = workflow(variant, items);
	const url = `${n8n.webhookBaseUrl}webhook/bench-${variant.key}`;
	const pid = n8n.process.child.pid;
	const cpuBefore = cpuMs(pid);
	const started = Date.now();
	await postWebhook(url);
	const wallMs = Date.now() - started;
	const cpuAfter = cpuMs(pid);
	// n8n can answer 503 "Database is not ready" for a moment after a heavy execution: retry.
	let executions: Awaited<ReturnType<N8nInstance['executions']>> = [];
	for (let attempt = 1; ; attempt++) {
		try {
			executions = await n8n.executions({ workflowId: n8n.workflowIds[wf.name], includeData: true });
			break;
		} catch (error) {
			if (attempt >= 20) throw error;
			await new Promise((r) => setTimeout(r, 3000));
		}
	}
	const [execution] = executions;
	// One run per execution of the Send node (several in the Loop Over Items variant, one per retry attempt is
	// NOT recorded separately by n8n: Retry On Fail re-runs inside the same run).
	const runs = (execution?.data?.resultData.runData.Send ?? []) as Array<{
		startTime?: number;
		executionTime?: number;
		data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
	}>;
	const output = runs.flatMap((run) => run.data?.main?.[0] ?? []);
	const failed = output.filter((o) => o.json.error !== undefined);
	const rateLimited = failed.filter((o) =>
		/130429|rate limit|throughput/i.test(JSON.stringify(o.json.error)),
	);
	const accepted = sim.messages();
	const expected = new Set(Array.from({ length: items }, (_, i) => `55119${30000000 + i}`));
	const acceptedExpected = accepted
		.map((m) => String(m.to).replace(/\D/g, ''))
		.filter((to) => expected.has(to));
	const delivered = new Set(acceptedExpected).size;
	// From the first send to the end of the last (includes the Wait pauses of the loop variant).
	const timed = runs.filter((r) => r.startTime !== undefined && r.executionTime !== undefined);
	const startedAt = timed.length ? Math.min(...timed.map((r) => r.startTime!)) : NaN;
	const endedAt = timed.length ? Math.max(...timed.map((r) => r.startTime! + r.executionTime!)) : NaN;
	const acceptedTimes = accepted.map((m) => Date.parse(String(m.acceptedAt))).sort((a, b) => a - b);
	const nodeMs = timed.length
		? Math.max(...timed.map((r) => r.startTime! + r.executionTime!)) -
			Math.min(...timed.map((r) => r.startTime!))
		: wallMs;
	return {
		items,
		accepted: accepted.length,
		delivered,
		lost: items - delivered,
		duplicates: acceptedExpected.length - delivered,
		errors: output.length ? failed.length : items,
		rateLimitErrors: rateLimited.length,
		nodeMs,
		wallMs,
		perSecond: accepted.length / (nodeMs / 1000),
		cpuMsPerItem: (cpuAfter - cpuBefore) / items,
		refusedThroughput: sim.refusals().throughput,
		capSpacingMs: capSpacing(acceptedTimes, variant.mps),
		leadMs: acceptedTimes.length ? acceptedTimes[0] - startedAt : NaN,
		tailMs: acceptedTimes.length ? endedAt - acceptedTimes[acceptedTimes.length - 1] : NaN,
		sampleError: failed[0] ? JSON.stringify(failed[0].json).slice(0, 300) : undefined,
	};
}

/** Spacing between accepted message k and k + cap, over the run (ms). */
function capSpacing(sortedTimes: number[], cap: number): Measured['capSpacingMs'] {
	const gaps: number[] = [];
	for (let k = 0; k + cap < sortedTimes.length; k++) gaps.push(sortedTimes[k + cap] - sortedTimes[k]);
	gaps.sort((a, b) => a - b);
	const at = (q: number) =>
		gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] : NaN;
	return { min: at(0), p1: at(0.01), median: at(0.5) };
}

/**
 * The same node execute path in this process (no n8n, no simulator), against a Graph stub that answers after
 * 100 ms: shows what the node's pacing alone allows when CPU is not the bottleneck.
 */
export async function measureInProcess(items: number): Promise<{ perSecond: number; errors: number }> {
	// Explicit .ts path: tsx would otherwise resolve "X.node" to the codex file X.node.json.
	const { WhatsAppSendTemplate } = require(
		join(__dirname, '..', '..', 'nodes', 'WhatsAppSendTemplate', 'WhatsAppSendTemplate.node.ts'),
	) as {
		WhatsAppSendTemplate: new () => {
			execute(this: unknown): Promise<Array<Array<{ json: Record<string, unknown> }>>>;
		};
	};
	const { FakeGraph, fakeContext } = require(
		join(__dirname, '..', '..', 'test', 'unit', 'nodes', 'send', 'fake-context.ts'),
	) as typeof import('../../test/unit/nodes/send/fake-context');
	const graph = new FakeGraph();
	const slow = {
		handle: async (options: Parameters<typeof graph.handle>[0]) => {
			await new Promise((r) => setTimeout(r, LATENCY_MS));
			return await graph.handle(options);
		},
	};
	const ctx = fakeContext({
		graph: slow,
		continueOnFail: true,
		credential: { baseUrl: 'http://graph.stub', phoneNumberId: PHONE_NUMBER_ID, businessAccountId: WABA_ID },
		items: Array.from({ length: items }, () => ({ json: {} })),
		params: {
			recipient: (i: number) => `+55119${30000000 + i}`,
			template: { __rl: true, mode: 'name', value: `${TEMPLATE.name}|${TEMPLATE.language}` },
			parameterSource: 'json',
			parametersJson: { body_1: TEMPLATE.body[0], body_2: TEMPLATE.body[1] },
			options: { messagesPerSecond: MPS },
		},
	});
	const started = Date.now();
	const [out] = await new WhatsAppSendTemplate().execute.call(ctx);
	const seconds = (Date.now() - started) / 1000;
	return { perSecond: items / seconds, errors: out.filter((o) => o.json.error !== undefined).length };
}
