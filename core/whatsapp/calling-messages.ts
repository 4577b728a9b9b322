/**
 * The two Business Calling API messages (Meta: …/whatsapp/calling/call-button-messages-deep-links and
 * …/whatsapp/calling/business-initiated-calls), sent through the Send API like any interactive message:
 *
 * - **call button** (`interactive.type: "voice_call"`): the patient taps it to call the clinic number on WhatsApp.
 *   `display_text` ≤ 20 characters (default "Call Now"), `ttl_minutes` 1–43,200 (default 10,080 = 7 days), `payload`
 *   ≤ 512 characters, echoed as `cta_payload` in the call webhooks. Free-form: only inside the 24-hour window
 *   (outside it, a template with a VOICE_CALL button).
 * - **call permission request** (`interactive.type: "call_permission_request"`): asks the patient to let the clinic
 *   call them; the answer is an interactive `call_permission_reply` message. Free-form inside the window, else a
 *   template with a call permission request component.
 */
import type { MessageContent } from './messages/request';
import { MessageValidationError } from './messages/validation';

export const MAX_CALL_BUTTON_TEXT = 20;
export const MAX_CALL_TTL_MINUTES = 43_200;
export const DEFAULT_CALL_TTL_MINUTES = 10_080;
export const MAX_CALL_PAYLOAD = 512;
export const MAX_CALL_BODY = 1024;

function body(text: unknown, field: string): string {
	const value = typeof text === 'string' ? text.trim() : '';
	if (!value)
		throw new MessageValidationError(field, 'is empty', 'Write the text the patient reads above the button.');
	if ([...value].length > MAX_CALL_BODY)
		throw new MessageValidationError(
			field,
			`is ${[...value].length} characters; WhatsApp allows ${MAX_CALL_BODY}`,
			`Shorten it to at most ${MAX_CALL_BODY} characters.`,
		);
	return value;
}

export interface CallButtonInput {
	body: string;
	/** Button caption, ≤ 20 characters (Meta's default "Call Now" when empty). */
	displayText?: string;
	/** How long the button works, 1–43,200 minutes (Meta's default 7 days when absent). */
	ttlMinutes?: number;
	/** Returned in the call webhooks as `cta_payload` (≤ 512 characters), e.g. a case number. */
	payload?: string;
}

/** A `voice_call` interactive message (the WhatsApp call button). */
export function buildCallButton(input: CallButtonInput): MessageContent {
	const parameters: Record<string, unknown> = {};
	const text = input.displayText?.trim();
	if (text) {
		if ([...text].length > MAX_CALL_BUTTON_TEXT)
			throw new MessageValidationError(
				'Button Text',
				`is ${[...text].length} characters; WhatsApp allows ${MAX_CALL_BUTTON_TEXT}`,
				'Use a short caption such as "Call the nurse".',
			);
		parameters.display_text = text;
	}
	if (input.ttlMinutes !== undefined) {
		const ttl = Number(input.ttlMinutes);
		if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_CALL_TTL_MINUTES)
			throw new MessageValidationError(
				'Button Valid For (Minutes)',
				`is ${String(input.ttlMinutes)}; WhatsApp allows whole minutes from 1 to ${MAX_CALL_TTL_MINUTES} (30 days)`,
				`Use e.g. ${DEFAULT_CALL_TTL_MINUTES} (7 days, Meta's default).`,
			);
		parameters.ttl_minutes = ttl;
	}
	const payload = input.payload?.trim();
	if (payload) {
		if ([...payload].length > MAX_CALL_PAYLOAD)
			throw new MessageValidationError(
				'Payload',
				`is ${[...payload].length} characters; WhatsApp allows ${MAX_CALL_PAYLOAD}`,
				'Put only a reference there (e.g. a case number), never patient data.',
			);
		parameters.payload = payload;
	}
	return {
		type: 'interactive',
		interactive: {
			type: 'voice_call',
			body: { text: body(input.body, 'Body') },
			action: { name: 'voice_call', ...(Object.keys(parameters).length ? { parameters } : {}) },
		},
	};
}

/** A `call_permission_request` interactive message: asks the patient to allow the clinic to call them. */
export function buildCallPermissionRequest(input: { body: string }): MessageContent {
	return {
		type: 'interactive',
		interactive: {
			type: 'call_permission_request',
			body: { text: body(input.body, 'Body') },
			action: { name: 'call_permission_request' },
		},
	};
}
