/**
 * A patient's open WhatsApp Flow on the chat page, played as the WhatsApp client plays it: the page only draws
 * what `view()` returns and posts the form; the simulator keeps the screen stack, resolves `${data.x}` /
 * `${form.x}` / `${screen.S.data.x}` bindings, runs the Footer's action and does the endpoint crypto.
 *
 * - Opening a `flow` interactive message: `navigate` starts on `flow_action_payload.screen` (default: the first
 *   screen) with its `data`; `data_exchange` asks the endpoint (`INIT`). A DRAFT Flow opens only from a message sent
 *   with `mode: "draft"`; a deprecated or unknown one shows "This Flow is no longer available".
 * - Footer `navigate` → the next screen with the payload as its data; `data_exchange` → the endpoint answers the
 *   next screen (or `SUCCESS` with `extension_message_response.params`, which closes the Flow); `complete` closes
 *   it. Closing sends the inbound `interactive.nfm_reply` webhook (`response_json` with the flow token, context =
 *   the Flow message), as the client does.
 * - Back pops a screen (with `refresh_on_back` on the screen returned to, a `BACK` request refreshes it); back on
 *   the first screen closes the Flow without a reply.
 * - Endpoint errors: 427 shows the endpoint's `error_msg` and ends the Flow; anything else (432, 5xx, timeouts, an
 *   answer that cannot be decrypted or names an unknown screen) shows "Something went wrong". `data.error_message`
 *   in an answer is shown on the screen (Meta's snackbar).
 */
import { randomUUID } from 'node:crypto';

import type { SimContext } from './context';
import { Errors } from './errors';
import { callFlowEndpoint } from './flows-endpoint';
import { flowByIdOrName, type SimFlow } from './flows-store';
import { INPUT_TYPES, isRec, type Rec } from './flows-validation';
import { receiveInbound } from './inbound';
import { BSUID_PATTERN } from './state';

interface Frame {
	screen: string;
	data: Rec;
}

export interface FlowSession {
	id: string;
	userKey: string;
	messageId: string;
	/** The number that sent the Flow message: the client encrypts to its business key. */
	phoneId: string;
	flow?: SimFlow;
	flowToken: string;
	state: 'open' | 'completed' | 'failed' | 'closed';
	stack: Frame[];
	/** Every screen shown, in order (for tests). */
	visited: string[];
	notice?: string;
	missing?: string[];
	error?: { title: string; message: string; status?: number; cause?: string };
	replyMessageId?: string;
	busy?: boolean;
}

const sessions = new WeakMap<SimContext, Map<string, FlowSession>>();

export function flowSessions(ctx: SimContext): Map<string, FlowSession> {
	let map = sessions.get(ctx);
	if (!map) sessions.set(ctx, (map = new Map()));
	return map;
}

const screensOf = (flow?: SimFlow): Rec[] =>
	flow?.flow && Array.isArray(flow.flow.screens) ? flow.flow.screens.filter(isRec) : [];
const screenOf = (flow: SimFlow | undefined, id: string) => screensOf(flow).find((s) => s.id === id);

/** A binding such as `data.slots`, `form.date` or `screen.DATE.form.date`. */
function lookup(path: string, s: FlowSession, form: Rec): unknown {
	const parts = path.trim().split('.');
	let value: unknown;
	if (parts[0] === 'screen') {
		const frame = [...s.stack].reverse().find((f) => f.screen === parts[1]);
		value = parts[2] === 'data' ? frame?.data : undefined;
		parts.splice(0, 3);
	} else {
		value = parts[0] === 'form' ? form : s.stack[s.stack.length - 1]?.data;
		parts.shift();
	}
	for (const p of parts) value = isRec(value) ? value[p] : undefined;
	return value;
}

function resolve(value: unknown, s: FlowSession, form: Rec): unknown {
	if (typeof value === 'string') {
		const whole = /^\$\{([^}]+)\}$/.exec(value);
		if (whole) return lookup(whole[1], s, form);
		return value.replace(/\$\{([^}]+)\}/g, (_, p: string) => String(lookup(p, s, form) ?? ''));
	}
	if (Array.isArray(value)) return value.map((v) => resolve(v, s, form));
	if (isRec(value))
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, s, form)]));
	return value;
}

/** The visible components of the current screen, If/Switch applied, bindings resolved (actions left out). */
function visibleComponents(children: unknown, s: FlowSession, form: Rec, out: Rec[] = []): Rec[] {
	for (const c of Array.isArray(children) ? children.filter(isRec) : []) {
		if (c.type === 'If') {
			const cond = String(c.condition ?? '').trim();
			const negate = cond.startsWith('!');
			const met = Boolean(resolve(negate ? cond.slice(1).trim() : cond, s, form)) !== negate;
			visibleComponents(met ? c.then : c.else, s, form, out);
		} else if (c.type === 'Switch') {
			const cases = isRec(c.cases) ? c.cases : {};
			visibleComponents(cases[String(resolve(c.value, s, form))], s, form, out);
		} else if (c.type === 'Form') visibleComponents(c.children, s, form, out);
		else {
			const shown: Rec = {};
			for (const [k, v] of Object.entries(c)) if (!k.startsWith('on-')) shown[k] = resolve(v, s, form);
			if (shown.visible === undefined || shown.visible === true || shown.visible === 'true') out.push(shown);
		}
	}
	return out;
}

function currentScreen(s: FlowSession): Rec | undefined {
	const top = s.stack[s.stack.length - 1];
	return top ? screenOf(s.flow, top.screen) : undefined;
}

/** What the chat page draws. */
export function view(s: FlowSession): Rec {
	const screen = currentScreen(s);
	const layout = screen && isRec(screen.layout) ? screen.layout : {};
	return {
		id: s.id,
		state: s.state,
		messageId: s.messageId,
		flowId: s.flow?.id,
		flowName: s.flow?.name,
		...(s.state === 'open' && screen
			? {
					screen: {
						id: screen.id,
						title: resolve(screen.title ?? '', s, {}),
						terminal: screen.terminal === true,
						components: visibleComponents(layout.children, s, {}),
					},
					canGoBack: s.stack.length > 1,
				}
			: {}),
		...(s.notice ? { notice: s.notice } : {}),
		...(s.missing?.length ? { missing: s.missing } : {}),
		...(s.error ? { error: s.error } : {}),
		...(s.replyMessageId ? { replyMessageId: s.replyMessageId } : {}),
	};
}

function fail(s: FlowSession, cause: string, status?: number, message?: string) {
	s.state = 'failed';
	s.error = {
		title: message ? 'Flow closed' : 'Something went wrong',
		message: message ?? 'Something went wrong. Please try again later.',
		...(status ? { status } : {}),
		cause,
	};
}

function show(s: FlowSession, screen: string, data: Rec, replace = false) {
	if (!screenOf(s.flow, screen))
		return fail(s, `the endpoint answered screen "${screen}", not in the Flow JSON`);
	const frame = { screen, data };
	if (replace || s.stack[s.stack.length - 1]?.screen === screen)
		s.stack[Math.max(0, s.stack.length - 1)] = frame;
	else s.stack.push(frame);
	s.visited.push(screen);
}

/** Closes the Flow with a reply: the nfm_reply webhook to the clinic. */
async function complete(ctx: SimContext, s: FlowSession, params: Rec) {
	const who = BSUID_PATTERN.test(s.userKey) ? { userId: s.userKey } : { from: s.userKey };
	const reply = await receiveInbound(ctx, {
		...who,
		type: 'nfm_reply',
		responseJson: JSON.stringify({ ...params, flow_token: s.flowToken }),
		context: s.messageId,
	});
	s.state = 'completed';
	s.replyMessageId = reply.messageId;
}

/** One request to the endpoint and what the client does with the answer. */
async function exchange(ctx: SimContext, s: FlowSession, action: string, screen?: string, data?: Rec) {
	const flow = s.flow as SimFlow;
	if (!flow.endpointUri) return fail(s, 'the Flow has no endpoint_uri');
	const result = await callFlowEndpoint(
		ctx,
		{ flowId: flow.id, url: flow.endpointUri, phoneId: s.phoneId },
		{
			version: flow.dataApiVersion ?? '3.0',
			action,
			...(screen ? { screen } : {}),
			...(data ? { data } : {}),
			flow_token: s.flowToken,
		},
	);
	if (!result.ok)
		return fail(s, result.error, result.status, result.status === 427 ? result.errorMsg : undefined);
	const next = typeof result.body.screen === 'string' ? result.body.screen : undefined;
	const answer = isRec(result.body.data) ? result.body.data : {};
	s.notice = typeof answer.error_message === 'string' ? answer.error_message : undefined;
	if (next === 'SUCCESS') {
		const ext = isRec(answer.extension_message_response) ? answer.extension_message_response : {};
		return complete(ctx, s, isRec(ext.params) ? ext.params : {});
	}
	if (!next) return fail(s, 'the answer names no screen');
	show(s, next, answer, action === 'BACK');
}

async function guarded(s: FlowSession, work: () => Promise<void> | void): Promise<Rec> {
	if (s.state !== 'open') return view(s);
	if (s.busy) throw Errors.invalidParameter('The Flow is still waiting for the endpoint.');
	s.busy = true;
	try {
		await work();
	} finally {
		s.busy = false;
	}
	return view(s);
}

/** The patient taps the CTA of a flow message. */
export async function openFlow(ctx: SimContext, userKey: string, messageId: string): Promise<Rec> {
	const message = ctx.state.outbound.find((m) => m.id === messageId && m.userKey === userKey);
	const interactive = isRec(message?.request.interactive) ? message.request.interactive : undefined;
	const action = isRec(interactive?.action) ? interactive.action : undefined;
	const params = isRec(action?.parameters) ? action.parameters : undefined;
	if (!params || interactive?.type !== 'flow')
		throw Errors.invalidParameter(`Message ${messageId} to this patient is not a Flow message.`);
	const flow = flowByIdOrName(
		ctx,
		params.flow_id as string | undefined,
		params.flow_name as string | undefined,
	);
	const s: FlowSession = {
		id: randomUUID(),
		userKey,
		messageId,
		phoneId: message!.phoneNumberId,
		flow,
		flowToken: typeof params.flow_token === 'string' ? params.flow_token : 'unused',
		state: 'open',
		stack: [],
		visited: [],
	};
	flowSessions(ctx).set(s.id, s);
	const usable = flow?.status === 'PUBLISHED' || flow?.status === 'THROTTLED';
	if (!flow || !(usable || (flow.status === 'DRAFT' && params.mode === 'draft'))) {
		fail(s, `Flow ${String(params.flow_id ?? params.flow_name)} is ${flow?.status ?? 'unknown'}`);
		s.error = { ...s.error!, message: 'This Flow is no longer available.' };
		return view(s);
	}
	return guarded(s, async () => {
		if (params.flow_action === 'data_exchange') return exchange(ctx, s, 'INIT');
		const payload = isRec(params.flow_action_payload) ? params.flow_action_payload : {};
		const first = typeof payload.screen === 'string' ? payload.screen : String(screensOf(flow)[0]?.id ?? '');
		show(s, first, isRec(payload.data) ? payload.data : {});
	});
}

function sessionOf(ctx: SimContext, id: unknown): FlowSession {
	const s = typeof id === 'string' ? flowSessions(ctx).get(id) : undefined;
	if (!s) throw Errors.invalidParameter(`No open Flow ${String(id)}`);
	return s;
}

const empty = (v: unknown) =>
	v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && !v.length);

/** The patient taps the Footer with these form values. */
export async function submitFlow(ctx: SimContext, sessionId: unknown, form: Rec): Promise<Rec> {
	const s = sessionOf(ctx, sessionId);
	return guarded(s, async () => {
		const screen = currentScreen(s);
		const layout = screen && isRec(screen.layout) ? screen.layout : {};
		const shown = visibleComponents(layout.children, s, form);
		s.missing = shown
			.filter((c) => INPUT_TYPES.has(String(c.type)) && c.required === true && empty(form[String(c.name)]))
			.map((c) => String(c.name));
		if (s.missing.length) return;
		const footer = findFooter(layout.children, s, form);
		const action = isRec(footer?.['on-click-action']) ? footer['on-click-action'] : undefined;
		if (!action) return fail(s, 'the screen has no Footer action');
		const payload = (resolve(action.payload ?? {}, s, form) ?? {}) as Rec;
		s.notice = undefined;
		if (action.name === 'navigate') {
			const next = isRec(action.next) ? String(action.next.name) : '';
			return show(s, next, payload);
		}
		if (action.name === 'complete') return complete(ctx, s, payload);
		if (action.name === 'data_exchange')
			return exchange(ctx, s, 'data_exchange', String(screen?.id), payload);
		fail(s, `action ${String(action.name)} is not played by the simulator`);
	});
}

/** The visible Footer (inside If/Switch/Form too). */
function findFooter(children: unknown, s: FlowSession, form: Rec): Rec | undefined {
	for (const c of Array.isArray(children) ? children.filter(isRec) : []) {
		if (c.type === 'Footer') return c;
		let inner: unknown;
		if (c.type === 'Form') inner = c.children;
		if (c.type === 'If')
			inner = resolve(String(c.condition ?? '').replace(/^!/, ''), s, form) ? c.then : c.else;
		if (c.type === 'Switch' && isRec(c.cases)) inner = c.cases[String(resolve(c.value, s, form))];
		const found = inner ? findFooter(inner, s, form) : undefined;
		if (found) return found;
	}
	return undefined;
}

/** The back arrow: the previous screen (refreshed with BACK if it asks for it), or close on the first. */
export async function backFlow(ctx: SimContext, sessionId: unknown): Promise<Rec> {
	const s = sessionOf(ctx, sessionId);
	return guarded(s, async () => {
		s.missing = undefined;
		s.notice = undefined;
		if (s.stack.length <= 1) {
			s.state = 'closed';
			return;
		}
		s.stack.pop();
		const top = s.stack[s.stack.length - 1];
		s.visited.push(top.screen);
		if (screenOf(s.flow, top.screen)?.refresh_on_back === true && s.flow?.dataApiVersion)
			await exchange(ctx, s, 'BACK', top.screen);
	});
}

export function closeFlow(ctx: SimContext, sessionId: unknown): Rec {
	const s = sessionOf(ctx, sessionId);
	if (s.state === 'open') s.state = 'closed';
	return view(s);
}
