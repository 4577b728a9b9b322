/**
 * What Detect Keywords reads from a trigger item. Accepts:
 * - WhatsApp Clinic Trigger message events (`event: 'message'`: from, userId, messageId, timestamp ISO, text,
 *   button.payload, interactive.buttonReply.id / listReply.id);
 * - WhatsApp Clinic Trigger `user_preference` events (Meta's own marketing stop/resume);
 * - the raw `value` of a Cloud API `messages` change (n8n's built-in WhatsApp Trigger shape: messages[0], contacts[0]).
 * Anything else (statuses, template updates…) yields null and passes through untouched.
 */
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
