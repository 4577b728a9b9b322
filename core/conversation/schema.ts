/**
 * Clinic-store table of the conversations (registered at import; applied by openClinicStore, so importing a
 * workflow needs no table to be created by hand).
 *
 * clinic_conversations: one row per patient talking to the bot. The patient (phone digits or WhatsApp user ID) is
 *   stored encrypted plus a keyed digest for lookups (UNIQUE: one conversation per patient); the answers and what a
 *   step needs (`context`, JSON) are encrypted; both are bound to the row's random id. `step`, `language` and the
 *   times are not PHI. A row is forgotten `expires_at_ms` after the last message (the node's idle time): reads
 *   ignore it and writes purge expired rows on the way, so the table holds only live conversations.
 */
import { registerMigrations } from '../store/migrations';

const table = (bigint: string) => `
CREATE TABLE IF NOT EXISTS clinic_conversations (
	id TEXT PRIMARY KEY,
	patient_digest TEXT NOT NULL UNIQUE,
	patient_enc TEXT NOT NULL,
	step TEXT NOT NULL,
	context_enc TEXT,
	language TEXT,
	language_source TEXT,
	updated_at_ms ${bigint} NOT NULL,
	expires_at_ms ${bigint} NOT NULL
);
CREATE INDEX IF NOT EXISTS clinic_conversations_expiry ON clinic_conversations (expires_at_ms);`;

export const CONVERSATION_MIGRATIONS = [
	{ id: 'conversation-001', sqlite: table('INTEGER'), postgres: table('BIGINT') },
];

registerMigrations('conversation', CONVERSATION_MIGRATIONS);

/** Serialises conversation writers across executions and processes (one patient's row is read-modify-written). */
export const CONVERSATION_LOCK_KEY = 'conversations';
