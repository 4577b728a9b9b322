import type { ConsentEventSummary } from '../../../core/consent/decision';
import {
	conditionalOptInCounts,
	confirmationText,
	extractInbound,
	keywordChange,
	preferenceMatch,
	purposesFor,
	recogniseKeyword,
	senderIdentity,
} from '../../../core/consent/inbound';
import { buildKeywordConfig, DEFAULT_REPLIES } from '../../../core/consent/keywords';
import { DEFAULT_POLICY } from '../../../core/consent/policy';

const config = buildKeywordConfig();
const NOW = Date.UTC(2026, 10, 25, 12);
const actor = { workflowId: 'wf', executionId: 'e1', node: 'Consent Check' };
const on = { recordUserPreferences: true };

const message = (o: Record<string, unknown>) => ({
	event: 'message',
	type: 'text',
	messageId: 'wamid.M1',
	from: '5511911110000',
	userId: null,
	timestamp: new Date(NOW - 1000).toISOString(),
	text: null,
	button: null,
	interactive: null,
	...o,
});
const preference = (value: string, category = 'marketing_messages') => ({
	event: 'user_preference',
	from: '5511933330000',
	userId: null,
	category,
	value,
	timestamp: null,
});

describe('recogniseKeyword: typed text vs a tapped button', () => {
	it('typed text is matched against the keyword lists', () => {
		const r = recogniseKeyword(message({ text: 'PARAR!' }), config, on);
		expect(r?.match).toMatchObject({ action: 'opt_out', keyword: 'PARAR', source: 'text' });
		expect(r?.inbound).toMatchObject({ kind: 'message', from: '5511911110000', text: 'PARAR!' });
	});

	it("a button's caption copied into text is not typed text: only its payload counts", () => {
		const caption = message({
			type: 'button',
			text: 'Stop',
			button: { payload: 'CANCEL:APPT-1', text: 'Stop' },
		});
		expect(extractInbound(caption)).toMatchObject({ text: null, payload: 'CANCEL:APPT-1' });
		expect(recogniseKeyword(caption, config, on)).toBeNull();
		const optOut = message({ type: 'button', text: 'Sair', button: { payload: 'OPT_OUT', text: 'Sair' } });
		expect(recogniseKeyword(optOut, config, on)?.match).toMatchObject({
			action: 'opt_out',
			source: 'payload',
		});
		const reply = message({
			type: 'interactive',
			interactive: { type: 'list_reply', listReply: { id: 'OPT_IN:marketing', title: 'Stop' } },
		});
		expect(recogniseKeyword(reply, config, on)?.match).toMatchObject({
			action: 'opt_in',
			purposes: ['marketing'],
		});
	});

	it('statuses and ordinary messages carry no keyword', () => {
		expect(recogniseKeyword({ event: 'status', status: 'read' }, config, on)).toBeNull();
		expect(recogniseKeyword(message({ text: 'Que horas abre?' }), config, on)).toBeNull();
	});

	it("Meta's marketing stop/resume is a marketing opt-out/opt-in, unless switched off", () => {
		expect(recogniseKeyword(preference('stop'), config, on)?.match).toEqual({
			action: 'opt_out',
			keyword: 'user_preferences:stop',
			source: 'payload',
			languages: [],
			international: true,
			requiresPriorOptOut: false,
			purposes: ['marketing'],
		});
		expect(recogniseKeyword(preference('resume'), config, on)?.match.action).toBe('opt_in');
		expect(recogniseKeyword(preference('stop'), config, { recordUserPreferences: false })).toBeNull();
		const other = extractInbound(preference('stop', 'service_messages'))!;
		expect(preferenceMatch(other)).toBeNull();
		expect(preferenceMatch(extractInbound(preference('maybe'))!)).toBeNull();
	});
});

describe('senderIdentity', () => {
	it('normalises the sender and names the trigger field when it is malformed', () => {
		const inbound = extractInbound(message({ from: '5511911110000', userId: 'BR.555' }))!;
		expect(senderIdentity(inbound)).toEqual({ phone: '+5511911110000', userId: 'BR.555' });
		const bad = extractInbound(message({ from: '12' }))!;
		expect(() => senderIdentity(bad)).toThrow(/^from: /);
		const badUser = extractInbound(message({ from: null, userId: 'br.1' }))!;
		expect(() => senderIdentity(badUser)).toThrow(/^userId: /);
	});
});

describe('purposesFor', () => {
	const configured = (action: string) => (action === 'opt_out' ? ['*'] : ['appointment_reminders']);
	it("uses the payload's own purposes, else the node's list for the action", () => {
		const optOut = recogniseKeyword(message({ text: 'stop' }), config, on)!.match;
		const optIn = recogniseKeyword(message({ text: 'start' }), config, on)!.match;
		const marketing = recogniseKeyword(
			message({ type: 'button', button: { payload: 'OPT_IN:marketing' } }),
			config,
			on,
		)!.match;
		expect(purposesFor(optOut, configured)).toEqual(['*']);
		expect(purposesFor(optIn, configured)).toEqual(['appointment_reminders']);
		expect(purposesFor(marketing, configured)).toEqual(['marketing']);
	});
});

describe('conditionalOptInCounts: YES/SIM/SÍ only after an opt-out', () => {
	const sim = recogniseKeyword(message({ text: 'Sim' }), config, on)!.match;
	const start = recogniseKeyword(message({ text: 'START' }), config, on)!.match;
	const optOut: ConsentEventSummary = { action: 'opt_out', purpose: '*', recordedAt: NOW - 10, sequence: 1 };
	const purposes = ['appointment_reminders', 'telemedicine'];

	it('a SIM from a patient who never opted out answers something else', () => {
		expect(sim.requiresPriorOptOut).toBe(true);
		expect(conditionalOptInCounts(sim, [], DEFAULT_POLICY, purposes, NOW)).toBe(false);
	});

	it('a SIM from a patient opted out of one of the purposes counts', () => {
		expect(conditionalOptInCounts(sim, [optOut], DEFAULT_POLICY, purposes, NOW)).toBe(true);
		const optedBackIn: ConsentEventSummary = {
			...optOut,
			action: 'opt_in',
			recordedAt: NOW - 5,
			sequence: 2,
		};
		expect(conditionalOptInCounts(sim, [optOut, optedBackIn], DEFAULT_POLICY, purposes, NOW)).toBe(false);
	});

	it('unconditional words always count', () => {
		expect(conditionalOptInCounts(start, [], DEFAULT_POLICY, purposes, NOW)).toBe(true);
	});
});

describe('keywordChange: what is recorded and what is answered', () => {
	const context = { actor, now: NOW, fallbackLanguage: 'pt' as const };

	it('records the message as evidence and answers in the language of the word', () => {
		const r = recogniseKeyword(message({ text: 'Baja', from: '5511911110000' }), config, on)!;
		const change = keywordChange(r, senderIdentity(r.inbound), ['*'], context);
		expect(change).toEqual({
			action: 'opt_out',
			keyword: 'BAJA',
			source: 'text',
			purposes: ['*'],
			evidence: {
				sourceMessageId: 'wamid.M1',
				textShown: 'Baja',
				channel: 'whatsapp',
				timestamp: NOW - 1000,
				actor,
				keyword: 'BAJA',
			},
			language: 'es',
			reply: DEFAULT_REPLIES.es.opt_out,
			replyTo: '+5511911110000',
		});
	});

	it("an international word answers in the phone country's language; a clinic text replaces the built-in one", () => {
		const r = recogniseKeyword(message({ text: 'STOP', from: '16505551234' }), config, on)!;
		expect(keywordChange(r, senderIdentity(r.inbound), ['*'], context)).toMatchObject({
			language: 'en',
			reply: DEFAULT_REPLIES.en.opt_out,
		});
		const replies = [
			{ language: 'en', action: 'opt_out', text: 'First' },
			{ language: 'en', action: 'opt_out', text: 'Removed, thanks.' },
			{ language: 'en', action: 'opt_in', text: 'Welcome back' },
		];
		expect(keywordChange(r, senderIdentity(r.inbound), ['*'], { ...context, replies }).reply).toBe(
			'Removed, thanks.',
		);
	});

	it("Meta's own stop gets no reply (WhatsApp told the patient), the time falls back to now", () => {
		const r = recogniseKeyword(preference('stop'), config, on)!;
		const change = keywordChange(r, senderIdentity(r.inbound), ['marketing'], context);
		expect(change).toMatchObject({ source: 'user_preference', reply: null, purposes: ['marketing'] });
		expect(change.evidence).toMatchObject({ sourceMessageId: null, textShown: null, timestamp: NOW });
	});

	it('a tapped button stores its payload as evidence; a user-ID-only sender is answered on the user ID', () => {
		const r = recogniseKeyword(
			message({ type: 'button', from: null, userId: 'MX.42', button: { payload: 'OPT_OUT', text: 'Salir' } }),
			config,
			on,
		)!;
		const change = keywordChange(r, senderIdentity(r.inbound), ['*'], context);
		expect(change).toMatchObject({ source: 'payload', replyTo: 'MX.42', language: 'es' });
		expect(change.evidence.textShown).toBe('OPT_OUT');
	});
});

describe('confirmationText', () => {
	it('ignores blank clinic texts', () => {
		expect(confirmationText('pt', 'opt_in', [{ language: 'pt', action: 'opt_in', text: '  ' }])).toBe(
			DEFAULT_REPLIES.pt.opt_in,
		);
	});
});
