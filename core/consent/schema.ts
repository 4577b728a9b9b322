/**
 * Consent tables in the clinic store (registered at import; applied by openClinicStore).
 *
 * consent_subject: one row per patient. Identifiers are stored as a keyed digest (lookup, unique) plus ciphertext
 *   (for history/export); never in plaintext. A row may have a phone, a user ID, or both (linked).
 * consent_event: append-only timeline of opt-ins/opt-outs with evidence. Times are epoch milliseconds (BIGINT).
 *   `text_enc` (what the patient saw or sent) is encrypted; `purpose` '*' means every purpose.
 */
import { registerMigrations } from '../store';

/** The consent tables in one dialect: `serial` is its auto-increment primary key, `int` its 64-bit integer. */
const consentTables = (serial: string, int: string) => `
CREATE TABLE IF NOT EXISTS consent_subject (
	id ${serial},
	phone_digest TEXT UNIQUE,
	phone_enc TEXT,
	bsuid_digest TEXT UNIQUE,
	bsuid_enc TEXT,
	created_at ${int} NOT NULL,
	updated_at ${int} NOT NULL
);
CREATE TABLE IF NOT EXISTS consent_event (
	id ${serial},
	subject_id ${int} NOT NULL REFERENCES consent_subject(id),
	action TEXT NOT NULL CHECK (action IN ('opt_in', 'opt_out')),
	purpose TEXT NOT NULL,
	recorded_at ${int} NOT NULL,
	expires_at ${int},
	evidence_at ${int} NOT NULL,
	channel TEXT NOT NULL,
	source_message_id TEXT,
	keyword TEXT,
	text_enc TEXT,
	actor_workflow_id TEXT,
	actor_execution_id TEXT,
	actor_node TEXT
);
CREATE INDEX IF NOT EXISTS consent_event_subject ON consent_event (subject_id, recorded_at);
`;

export const CONSENT_MIGRATIONS = [
	{
		id: 'consent-001',
		sqlite: consentTables('INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER'),
		postgres: consentTables('BIGSERIAL PRIMARY KEY', 'BIGINT'),
	},
];

registerMigrations('consent', CONSENT_MIGRATIONS);
