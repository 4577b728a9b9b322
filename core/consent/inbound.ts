/**
 * Detect Keywords' decisions, n8n-free: what a trigger item says (typed text or a tapped button), whether it is an
 * opt-out or opt-in and for which purposes, what is stored as evidence, and the confirmation to send back.
 *
 * 1. `recogniseKeyword(json, config, options)`: the inbound message and its keyword match, or null (the item passes
 *    through). A button caption is never read as typed text (only its payload counts); Meta's `user_preference`
 *    marketing stop/resume is a marketing opt-out/opt-in when `recordUserPreferences` is on.
 * 2. `purposesFor(match, configured)`: the payload's own purposes (`OPT_IN:marketing`), else the node's list for
 *    the action ("Opt-Out Applies To" / "Opt-in Applies To").
 * 3. `conditionalOptInCounts(match, events, policy, purposes, now)`: a YES/SIM/SÍ counts only for a sender
 *    currently opted out of one of those purposes (otherwise it answers another question, e.g. an appointment confirmation).
 * 4. `keywordChange(keyword, identity, purposes, context)`: the consent change to record (action, purposes,
 *    evidence) and the confirmation (language, text, whom to send it to).
 *
 * What Detect Keywords reads from a trigger item (`extractInbound`). Accepts:
 * - WhatsApp Clinic Trigger message events (`event: 'message'`: from, userId, messageId, timestamp ISO, text,
 *   button.payload, interactive.buttonReply.id / listReply.id);
 * - WhatsApp Clinic Trigger `user_preference` events (Meta's own marketing stop/resume);
 * - the raw `value` of a Cloud API `messages` change (n8n's built-in WhatsApp Trigger shape: messages[0], contacts[0]).
 * Anything else (statuses, template updates…) yields null and passes through untouched.
 */
import type { CountryCode } from 'libphonenumber-js';

import { decide, type ConsentEventSummary } from './decision';
import { languageForIdentity, parseIdentity, type PatientIdentity } from './identity';
import {
	DEFAULT_REPLIES,
	detectKeyword,
	replyLanguage,
	type KeywordAction,
	type KeywordConfig,
	type KeywordLanguage,
	type KeywordMatch,
} from './keywords';
import type { ConsentPolicy } from './policy';
import type { Purpose } from './purposes';
import type { ConsentActor, ConsentEvidence } from './repositories/port';

export interface InboundMessage {
	kind: 'message' | 'user_preference';
	messageId: string | null;
	/** Sender phone (wa_id, digits) or null for username-only users. */
	from: string | null;
	/** Sender WhatsApp user ID or null. */
	userId: string | null;
	/** Epoch ms of the patient's action, or null when the payload had none. */
	timestamp: number | null;
	text: string | null;
	/** Template quick-reply payload or interactive reply id. */
	payload: string | null;
	/** user_preference only: category (e.g. marketing_messages) and value (stop | resume). */
	preference?: { category: string | null; value: string | null };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function parseTime(v: unknown): number | null {
	if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v;
	if (typeof v !== 'string' || v === '') return null;
	if (/^\d+$/.test(v)) {
		const n = Number(v);
		return n < 1e12 ? n * 1000 : n;
	}
	const ms = Date.parse(v);
	return Number.isNaN(ms) ? null : ms;
}

/** A quick-reply / interactive tap rather than typed text. */
function tapped(json: Json): boolean {
	return json.type === 'button' || json.type === 'interactive' || obj(json.button) !== null;
}

export function extractInbound(json: Json): InboundMessage | null {
	if (json.event === 'message') {
		const button = obj(json.button);
		const interactive = obj(json.interactive);
		const payload =
			str(button?.payload) ?? str(obj(interactive?.buttonReply)?.id) ?? str(obj(interactive?.listReply)?.id);
		return {
			kind: 'message',
			messageId: str(json.messageId),
			from: str(json.from),
			userId: str(json.userId),
			timestamp: parseTime(json.timestamp),
			// The trigger copies a template button's caption into `text`; a tap is not typed text, so a button
			// captioned "Cancelar" or "Stop" is never read as a keyword (only its payload counts).
			text: tapped(json) ? null : str(json.text),
			payload,
		};
	}
	if (json.event === 'user_preference') {
		return {
			kind: 'user_preference',
			messageId: null,
			from: str(json.from),
			userId: str(json.userId),
			timestamp: parseTime(json.timestamp),
			text: null,
			payload: null,
			preference: { category: str(json.category), value: str(json.value) },
		};
	}
	if (Array.isArray(json.messages) && json.messages.length > 0) {
		const m = obj(json.messages[0]);
		if (!m) return null;
		const contact = Array.isArray(json.contacts) ? obj(json.contacts[0]) : null;
		const interactive = obj(m.interactive);
		return {
			kind: 'message',
			messageId: str(m.id),
			from: str(m.from) ?? str(contact?.wa_id),
			userId: str(m.from_user_id) ?? str(contact?.user_id),
			timestamp: parseTime(m.timestamp),
			text: str(obj(m.text)?.body),
			payload:
				str(obj(m.button)?.payload) ??
				str(obj(interactive?.button_reply)?.id) ??
				str(obj(interactive?.list_reply)?.id),
		};
	}
	return null;
}

/** A trigger item that carries a consent keyword: the message and what it matched. */
export interface RecognisedKeyword {
	inbound: InboundMessage;
	match: KeywordMatch;
}

export interface RecogniseOptions {
	/** Record Meta's `user_preference` marketing stop/resume as a marketing opt-out/opt-in. */
	recordUserPreferences: boolean;
}

/** Meta's own marketing stop/resume (`user_preference` event) as a marketing opt-out/opt-in, else null. */
export function preferenceMatch(inbound: InboundMessage): KeywordMatch | null {
	const p = inbound.preference;
	if (!p || !p.category?.startsWith('marketing')) return null;
	const value = p.value?.toLowerCase();
	if (value !== 'stop' && value !== 'resume') return null;
	return {
		action: value === 'stop' ? 'opt_out' : 'opt_in',
		keyword: `user_preferences:${value}`,
		source: 'payload',
		languages: [],
		international: true,
		requiresPriorOptOut: false,
		purposes: ['marketing'],
	};
}

/** The keyword a trigger item carries, or null when it carries none (statuses, other messages…). */
export function recogniseKeyword(
	json: Json,
	config: KeywordConfig,
	options: RecogniseOptions,
): RecognisedKeyword | null {
	const inbound = extractInbound(json);
	if (!inbound) return null;
	const match =
		inbound.kind === 'user_preference'
			? options.recordUserPreferences
				? preferenceMatch(inbound)
				: null
			: detectKeyword({ text: inbound.text, payload: inbound.payload }, config);
	return match ? { inbound, match } : null;
}

/** The sender of a trigger item as a patient identity; a malformed `from` / `userId` throws naming that field. */
export function senderIdentity(inbound: InboundMessage, defaultCountry?: CountryCode): PatientIdentity {
	return parseIdentity(
		{ phone: inbound.from, userId: inbound.userId },
		{ defaultCountry, phoneField: 'from', userIdField: 'userId' },
	);
}

/** The purposes a match changes: its own (`OPT_IN:marketing`), else the configured ones for its action. */
export function purposesFor(
	match: KeywordMatch,
	configured: (action: KeywordAction) => readonly Purpose[],
): readonly Purpose[] {
	return match.purposes ?? configured(match.action);
}

/**
 * Whether a conditional opt-in word (YES/SIM/SÍ) counts: only when the sender is currently opted out of one of the
 * purposes it would turn back on. Unconditional matches always count.
 */
export function conditionalOptInCounts(
	match: KeywordMatch,
	events: readonly ConsentEventSummary[],
	policy: ConsentPolicy,
	purposes: readonly Purpose[],
	now: number,
): boolean {
	if (!match.requiresPriorOptOut) return true;
	return purposes.some((purpose) => {
		const d = decide(events, policy, purpose, now);
		return !d.allowed && d.reason === 'opted_out';
	});
}

/** A clinic's own confirmation text for one language and action (replaces the built-in one). */
export interface ReplyOverride {
	language: string;
	action: string;
	text: string;
}

export interface KeywordChangeContext {
	/** Who records it (workflow, execution, node). */
	actor: ConsentActor;
	/** Epoch ms, used when the message carried no time. */
	now: number;
	/** Reply language when neither the word nor the patient's country tells it. */
	fallbackLanguage: KeywordLanguage;
	replies?: readonly ReplyOverride[];
}

/** What Detect Keywords records and answers for one recognised keyword. */
export interface KeywordChange {
	action: KeywordAction;
	keyword: string;
	/** `text` (typed), `payload` (a button) or `user_preference` (Meta's marketing stop/resume). */
	source: 'text' | 'payload' | 'user_preference';
	purposes: readonly Purpose[];
	evidence: ConsentEvidence;
	language: KeywordLanguage;
	/** The confirmation to send; null for Meta's own stop/resume (WhatsApp already told the patient). */
	reply: string | null;
	/** The patient's phone, else their WhatsApp user ID. */
	replyTo: string;
}

/** The confirmation text: the clinic's own for that language and action, else the built-in one. */
export function confirmationText(
	language: KeywordLanguage,
	action: KeywordAction,
	replies: readonly ReplyOverride[] = [],
): string {
	// The last matching entry wins, as when the option lists the same language and action twice.
	const own = [...replies]
		.reverse()
		.find((r) => r.language === language && r.action === action && r.text.trim() !== '');
	return own?.text ?? DEFAULT_REPLIES[language][action];
}

export function keywordChange(
	recognised: RecognisedKeyword,
	identity: PatientIdentity,
	purposes: readonly Purpose[],
	context: KeywordChangeContext,
): KeywordChange {
	const { inbound, match } = recognised;
	const isPreference = inbound.kind === 'user_preference';
	const language = replyLanguage(match, languageForIdentity(identity), context.fallbackLanguage);
	return {
		action: match.action,
		keyword: match.keyword,
		source: isPreference ? 'user_preference' : match.source,
		purposes,
		evidence: {
			sourceMessageId: inbound.messageId,
			textShown: inbound.text ?? inbound.payload ?? null,
			channel: 'whatsapp',
			timestamp: inbound.timestamp ?? context.now,
			actor: context.actor,
			keyword: match.keyword,
		},
		language,
		reply: isPreference ? null : confirmationText(language, match.action, context.replies),
		replyTo: (identity.phone ?? identity.userId) as string,
	};
}
