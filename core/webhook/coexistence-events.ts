/**
 * Webhooks of numbers shared between the WhatsApp Business app and Cloud API ("coexistence", onboarded by a
 * solution provider):
 * - `history` → one `HistoryEvent` per chunk of `value.history[]` (the app's past chats, in phases and chunks), or
 *   the errors Meta sends when the business declined to share them;
 * - `smb_app_state_sync` → one `AppStateSyncEvent` per entry of `value.state_sync[]` (a contact added, edited or
 *   removed in the app's address book).
 * Messages the business sends from the app (`smb_message_echoes`) are `echo` events (message-event.ts).
 */
import type { ChangeBase, EventBase, MetaError, UnknownFields } from './events';
import {
	camelize,
	isRecord,
	num,
	str,
	toMetaErrors,
	unixToIso,
	unknownFields,
	withNested,
} from './wire-values';

export interface HistoryEvent extends EventBase {
	event: 'history';
	/** 0: day 0-1 after onboarding, 1: day 1-90, 2: day 90-180. */
	phase: number | null;
	/** Order of this chunk within its phase (chunks may arrive out of order). */
	chunkOrder: number | null;
	/** Overall synchronisation progress, 0-100 (100 = done). */
	progress: number | null;
	/** One thread per user: `{ id: <user's phone number>, messages: [...] }`, camelCased, as Meta sent them. */
	threads: Array<Record<string, unknown>>;
	/** Set when the business declined to share its chat history. */
	errors: MetaError[];
	unknown: UnknownFields;
}

export interface AppStateSyncEvent extends EventBase {
	event: 'app_state_sync';
	/** What changed, e.g. `contact`. */
	syncType: string | null;
	/** `add`, `edit` or `remove`. */
	action: string | null;
	contact: { fullName: string | null; firstName: string | null; phoneNumber: string | null } | null;
	unknown: UnknownFields;
}

const HISTORY_KEYS: ReadonlySet<string> = new Set(['metadata', 'threads', 'errors']);
const HISTORY_METADATA_KEYS: ReadonlySet<string> = new Set(['phase', 'chunk_order', 'progress']);
const SYNC_KEYS: ReadonlySet<string> = new Set(['type', 'action', 'contact', 'metadata']);
const SYNC_CONTACT_KEYS: ReadonlySet<string> = new Set(['full_name', 'first_name', 'phone_number']);
const SYNC_METADATA_KEYS: ReadonlySet<string> = new Set(['timestamp']);

export function toHistoryEvents(value: Record<string, unknown>, base: ChangeBase): HistoryEvent[] {
	const chunks = Array.isArray(value.history) ? value.history.filter(isRecord) : [];
	return chunks.map((chunk) => {
		const metadata = isRecord(chunk.metadata) ? chunk.metadata : {};
		return {
			event: 'history',
			...base,
			phase: num(metadata.phase),
			chunkOrder: num(metadata.chunk_order),
			progress: num(metadata.progress),
			threads: Array.isArray(chunk.threads)
				? (chunk.threads.filter(isRecord).map(camelize) as Array<Record<string, unknown>>)
				: [],
			errors: toMetaErrors(chunk.errors),
			unknown: withNested(
				unknownFields(chunk, HISTORY_KEYS),
				'metadata',
				unknownFields(metadata, HISTORY_METADATA_KEYS),
			),
		};
	});
}

export function toAppStateSyncEvents(value: Record<string, unknown>, base: ChangeBase): AppStateSyncEvent[] {
	const items = Array.isArray(value.state_sync) ? value.state_sync.filter(isRecord) : [];
	return items.map((item) => {
		const contact = isRecord(item.contact) ? item.contact : undefined;
		const metadata = isRecord(item.metadata) ? item.metadata : {};
		let unknown = unknownFields(item, SYNC_KEYS);
		if (contact) unknown = withNested(unknown, 'contact', unknownFields(contact, SYNC_CONTACT_KEYS));
		return {
			event: 'app_state_sync',
			...base,
			timestamp: unixToIso(metadata.timestamp) ?? base.timestamp,
			syncType: str(item.type),
			action: str(item.action),
			contact: contact
				? {
						fullName: str(contact.full_name),
						firstName: str(contact.first_name),
						phoneNumber: str(contact.phone_number),
					}
				: null,
			unknown: withNested(unknown, 'metadata', unknownFields(metadata, SYNC_METADATA_KEYS)),
		};
	});
}
