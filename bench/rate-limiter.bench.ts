/**
 * Bulk send through GraphClient against an in-process stand-in for the Graph API that enforces 80 messages per
 * second per phone number (130429 over the cap, sliding 1-second window) and answers after 100 ms — compared with
 * the same messages fired at once with no limiter and no retry (how n8n's declarative nodes, including the
 * built-in WhatsApp node, run items: every request in flight at once).
 */
import { performance } from 'node:perf_hooks';

import { GraphClient } from '../core/whatsapp/graph-client';
import type { HttpRequest, HttpResponse, HttpSender } from '../core/whatsapp/graph-types';
import { resetSharedLimiters } from '../core/whatsapp/rate-limiter';
import type { BenchResult, Benchmark } from './types';

const CAP = 80;
const LATENCY_MS = 100;
const PHONE = '106540352242922';
const BASE_URL = 'http://graph.bench.invalid';

interface FakeGraph {
	send: HttpSender;
	accepted: () => number;
	throttled: () => number;
}

/** Stand-in Graph API: at most CAP accepted messages in any 1,000 ms window, 100 ms response latency. */
function fakeGraph(): FakeGraph {
	const acceptedAt: number[] = [];
	let head = 0;
	let throttled = 0;
	let seq = 0;
	const send: HttpSender = async (request: HttpRequest): Promise<HttpResponse> => {
		const now = performance.now();
		while (head < acceptedAt.length && acceptedAt[head] <= now - 1000) head++;
		const ok = acceptedAt.length - head < CAP;
		if (ok) acceptedAt.push(now);
		else throttled++;
		await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
		if (!ok) {
			return {
				status: 400,
				headers: {},
				body: {
					error: {
						message: '(#130429) Rate limit hit',
						type: 'OAuthException',
						code: 130429,
						error_data: {
							messaging_product: 'whatsapp',
							details: 'Cloud API message throughput has been reached.',
						},
						fbtrace_id: 'bench',
					},
				},
			};
		}
		const to = (request.body as { to: string }).to;
		return {
			status: 200,
			headers: {},
			body: {
				messaging_product: 'whatsapp',
				contacts: [{ input: to, wa_id: to }],
				messages: [{ id: `wamid.${++seq}` }],
			},
		};
	};
	return { send, accepted: () => acceptedAt.length, throttled: () => throttled };
}

function message(i: number) {
	return { to: `1555${String(i).padStart(7, '0')}`, type: 'text', text: { body: `Reminder ${i}` } };
}

const benchmark: Benchmark = {
	name: 'rate-limiter',
	description: `Bulk send at the ${CAP} msg/s cap (GraphClient limiter + retries) vs unbounded Promise.all with no limiter`,
	async run(ctx): Promise<BenchResult[]> {
		const total = ctx.quick ? 400 : 2000;

		// Ours: two GraphClients (two concurrent workflow executions) sharing the process-wide limiter.
		resetSharedLimiters();
		const ours = fakeGraph();
		const clients = [0, 1].map(
			() => new GraphClient({ send: ours.send, baseUrl: BASE_URL, limiterMps: CAP }),
		);
		ctx.log(`ours: ${total} sends through 2 clients sharing one limiter…`);
		const start = performance.now();
		let lastAcceptedAt = start;
		const results = await Promise.allSettled(
			Array.from({ length: total }, async (_, i) => {
				const result = await clients[i % 2].sendMessage(PHONE, message(i));
				lastAcceptedAt = Math.max(lastAcceptedAt, performance.now() - LATENCY_MS);
				return result;
			}),
		);
		const oursSeconds = (performance.now() - start) / 1000;
		const acceptedSpan = Math.max(1e-3, (lastAcceptedAt - start) / 1000 + 1 / CAP);
		const oursDelivered = results.filter((r) => r.status === 'fulfilled').length;
		const oursLost = total - oursDelivered;
		const surfaced = results.filter(
			(r) => r.status === 'rejected' && (r.reason as { code?: unknown }).code === 130429,
		).length;
		const oursRate = oursDelivered / acceptedSpan;
		resetSharedLimiters();

		// Naive: every request in flight at once, no limiter, no retry.
		const naive = fakeGraph();
		ctx.log(`naive: ${total} sends with unbounded Promise.all…`);
		const naiveStart = performance.now();
		const naiveResults = await Promise.all(
			Array.from({ length: total }, async (_, i) => {
				const res = await naive.send({
					method: 'POST',
					url: `${BASE_URL}/v25.0/${PHONE}/messages`,
					body: { messaging_product: 'whatsapp', ...message(i) },
				});
				return res.status === 200;
			}),
		);
		const naiveSeconds = (performance.now() - naiveStart) / 1000;
		const naiveDelivered = naiveResults.filter(Boolean).length;

		return [
			{ metric: 'messages', value: total, unit: 'msgs', target: 'info', pass: true },
			{
				metric: 'ours: accepted rate (% of cap)',
				value: (oursRate / CAP) * 100,
				unit: '%',
				target: '≥ 95',
				pass: oursRate / CAP >= 0.95,
			},
			{ metric: 'ours: accepted per second', value: oursRate, unit: 'msg/s', target: 'info', pass: true },
			{ metric: 'ours: messages lost', value: oursLost, unit: 'msgs', target: '0', pass: oursLost === 0 },
			{
				metric: 'ours: rate-limit errors surfaced',
				value: surfaced,
				unit: 'errors',
				target: '0',
				pass: surfaced === 0,
			},
			{
				metric: 'ours: 130429 answers retried inside',
				value: ours.throttled(),
				unit: 'responses',
				target: 'info',
				pass: true,
			},
			{
				metric: 'ours: wall time',
				value: oursSeconds,
				unit: 's',
				target: `≈ ${(total / CAP).toFixed(0)} (cap floor)`,
				pass: true,
			},
			{ metric: 'naive: delivered', value: naiveDelivered, unit: 'msgs', target: 'info', pass: true },
			{
				metric: 'naive: lost (130429)',
				value: total - naiveDelivered,
				unit: 'msgs',
				target: 'info',
				pass: true,
			},
			{ metric: 'naive: wall time', value: naiveSeconds, unit: 's', target: 'info', pass: true },
			{
				metric: 'delivered ours / naive',
				value: oursDelivered / Math.max(1, naiveDelivered),
				unit: '×',
				target: '> 1',
				pass: oursDelivered > naiveDelivered,
			},
		];
	},
};

export default benchmark;
