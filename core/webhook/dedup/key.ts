/**
 * The identity of a webhook event across deliveries (`dedupKey`) and its compact digest (`compactKey`), the only form
 * that leaves the process: a wamid embeds the sender's phone number.
 */
import { hash } from 'node:crypto';

import type { ClinicEvent } from '../events';

/**
 * The identity of an event across deliveries, or null when it has none (such events are never suppressed):
 * `message:<wamid>`, `echo:<wamid>`, `status:<wamid>:<status>`, `call:<call id>:<event>:<status>`, and for updates
 * without an ID the field, the time and a digest of the content.
 */
export function dedupKey(event: ClinicEvent): string | null {
	switch (event.event) {
		case 'message':
			return event.messageId ? `message:${event.messageId}` : null;
		case 'echo':
			return event.messageId ? `echo:${event.messageId}` : null;
		case 'status':
			return event.messageId ? `status:${event.messageId}:${event.status}` : null;
		case 'call':
			return event.callId ? `call:${event.callId}:${event.callEvent}:${event.status}` : null;
		case 'group_update':
		case 'history':
		case 'app_state_sync':
			// No ID of their own: the time and a digest of the typed content (depth-bounded by the parser).
			return event.timestamp
				? `${event.event}:${event.field}:${event.wabaId}:${event.timestamp}:${digest(JSON.stringify({ ...event, raw: undefined }))}`
				: null;
		case 'user_preference':
			// Digest only: the user's phone number / BSUID must not be stored in clear.
			return event.timestamp
				? `user_preference:${digest(`${event.from ?? ''}|${event.userId ?? ''}|${event.category}|${event.value}|${event.timestamp}`)}`
				: null;
		case 'template_update':
		case 'account_update':
		case 'other':
			// Without the entry time two genuinely different updates with the same content would collide. The
			// change's depth is bounded by the parser (parse.ts), so stringifying it cannot overflow the stack.
			return event.timestamp
				? `${event.event}:${event.field}:${event.wabaId}:${event.timestamp}:${digest(JSON.stringify(event.details))}`
				: null;
		default:
			// 'error' events have no identity of their own (no id, usually no time): always emitted.
			return null;
	}
}

function digest(text: string): string {
	return hash('sha256', text, 'base64url').slice(0, 22);
}

/**
 * 96-bit digest of a key (SHA-256 truncated, base64url, 16 chars, one-shot `crypto.hash`): keeps the persisted state small
 * and free of message ids.
 */
export function compactKey(key: string): string {
	return 'k' + hash('sha256', key, 'base64url').slice(0, 16);
}
