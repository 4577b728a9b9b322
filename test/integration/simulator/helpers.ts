/** Shared helpers for the simulator contract tests. */
import type { SimulatorOptions, Simulator } from '../../../simulator';
import { startSimulator } from '../../../simulator';

export const PHONE_ID = '100000000000001';
export const WABA_ID = '200000000000001';
export const PATIENT = '5511987654321';

/** Fast settings for tests: immediate statuses, short retries, quiet. */
export function fastOptions(extra: SimulatorOptions = {}): SimulatorOptions {
	return {
		port: 0,
		quiet: true,
		sentDelayMs: 0,
		deliveredDelayMs: 0,
		readDelayMs: 5,
		webhookRetryDelaysMs: [0, 20, 40],
		...extra,
	};
}

export async function start(extra: SimulatorOptions = {}): Promise<Simulator> {
	return startSimulator(fastOptions(extra));
}

export interface Answer {
	status: number;
	body: any;
}

export async function graph(
	sim: Simulator,
	method: string,
	path: string,
	body?: unknown,
	token: string | null = 'sim-token',
	version = 'v23.0',
): Promise<Answer> {
	const headers: Record<string, string> = {};
	if (token !== null) headers.Authorization = `Bearer ${token}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(`${sim.url}/${version}/${path.replace(/^\//, '')}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<Answer> {
	const res = await fetch(`${sim.url}/_sim/${path.replace(/^\//, '')}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export function send(sim: Simulator, payload: Record<string, unknown>): Promise<Answer> {
	return graph(sim, 'POST', `${PHONE_ID}/messages`, { messaging_product: 'whatsapp', ...payload });
}

export function text(to: string, body = 'Hello'): Record<string, unknown> {
	return { to, type: 'text', text: { body } };
}

export function reminder(
	to: string,
	lang = 'en_US',
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		to,
		type: 'template',
		template: {
			name: 'appointment_reminder',
			language: { code: lang },
			components: [
				{ type: 'header', parameters: [{ type: 'text', text: 'Sim Clinic' }] },
				{
					type: 'body',
					parameters: [
						{ type: 'text', text: 'Maria' },
						{ type: 'text', text: 'March 12' },
						{ type: 'text', text: '09:30' },
					],
				},
			],
		},
		...extra,
	};
}

/** Asserts a Meta-shaped error body and returns error.error_data.details. */
export function expectGraphError(answer: Answer, httpStatus: number, code: number): string {
	expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: httpStatus, code });
	expect(answer.body.error).toEqual(
		expect.objectContaining({
			message: expect.any(String),
			type: expect.any(String),
			fbtrace_id: expect.any(String),
		}),
	);
	return answer.body.error.error_data?.details ?? '';
}

/** A manually driven clock for deterministic rate-limit and window tests. */
export function manualClock(start = Date.UTC(2026, 10, 25, 12, 0, 0)): {
	now: () => number;
	tick: (ms: number) => void;
} {
	let t = start;
	return { now: () => t, tick: (ms) => (t += ms) };
}
