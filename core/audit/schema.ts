/** Audit log table (`clinic_audit_log`). Only digests and ciphertexts of PHI are stored; indexes never hold plaintext PHI. */
import { registerMigrations } from '../store/migrations';
import type { PhiPlace } from '../store/ports';

const columns = (seqType: string) => `
	seq ${seqType} PRIMARY KEY,
	ts TEXT NOT NULL,
	kind TEXT NOT NULL,
	direction TEXT NOT NULL,
	event TEXT,
	patient_digest TEXT,
	patient_enc TEXT,
	user_id TEXT,
	message_id TEXT,
	template TEXT,
	purpose TEXT,
	workflow_id TEXT,
	execution_id TEXT,
	node TEXT,
	outcome TEXT NOT NULL,
	content_digest TEXT,
	content_enc TEXT,
	details TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL`;

const indexes = `
CREATE INDEX IF NOT EXISTS clinic_audit_log_ts ON clinic_audit_log (ts);
CREATE INDEX IF NOT EXISTS clinic_audit_log_patient ON clinic_audit_log (patient_digest);
CREATE INDEX IF NOT EXISTS clinic_audit_log_user ON clinic_audit_log (user_id);
CREATE INDEX IF NOT EXISTS clinic_audit_log_message ON clinic_audit_log (message_id);`;

export const AUDIT_TABLE = 'clinic_audit_log';
export const AUDIT_LOCK_KEY = 'clinic-store:audit-chain';

/** Audit ciphertexts are bound to their entry: (table, column, seq). */
export function auditPlace(column: string, seq: number): PhiPlace {
	return { table: AUDIT_TABLE, column, row: seq };
}

registerMigrations('audit', [
	{
		id: 'audit-001',
		sqlite: `CREATE TABLE IF NOT EXISTS clinic_audit_log (${columns('INTEGER')});${indexes}`,
		postgres: `CREATE TABLE IF NOT EXISTS clinic_audit_log (${columns('BIGINT')});${indexes}`,
	},
	{
		// The canonical form as sealed, so verify hashes one column (and checks the others against it in SQL).
		id: 'audit-002',
		sqlite: 'ALTER TABLE clinic_audit_log ADD COLUMN entry TEXT',
		postgres: 'ALTER TABLE clinic_audit_log ADD COLUMN IF NOT EXISTS entry TEXT',
	},
	{
		// Message IDs are PHI (a wamid encodes the phone number): new entries keep a keyed digest for lookups and the
		// ID encrypted inside the sealed entry. Older entries keep `message_id` (sealed; rewriting would break the chain).
		id: 'audit-003',
		sqlite:
			'ALTER TABLE clinic_audit_log ADD COLUMN message_digest TEXT;' +
			'CREATE INDEX IF NOT EXISTS clinic_audit_log_message_digest ON clinic_audit_log (message_digest)',
		postgres:
			'ALTER TABLE clinic_audit_log ADD COLUMN IF NOT EXISTS message_digest TEXT;' +
			'CREATE INDEX IF NOT EXISTS clinic_audit_log_message_digest ON clinic_audit_log (message_digest)',
	},
]);
