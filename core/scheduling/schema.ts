/**
 * Clinic-store tables of the built-in scheduler. Patient name/phone/email/reference and notes are stored
 * encrypted (PhiCipher); the phone digest (keyed HMAC) allows lookups without plaintext.
 *
 * Double booking is impossible at the database level for identical starts: a partial UNIQUE index on
 * (calendar, practitioner, start) over active rows. Overlaps with different starts (a 30-minute visit at 09:00 vs
 * a 15-minute one at 09:15) are refused by the repository's check-and-insert, which runs in a transaction holding
 * a per-practitioner lock (Postgres advisory lock; SQLite's single writer).
 */
import { registerMigrations } from '../store/migrations';

const columns = (bigint: string) => `
	id TEXT PRIMARY KEY,
	calendar_id TEXT NOT NULL,
	practitioner_id TEXT NOT NULL,
	service_id TEXT NOT NULL,
	start_ms ${bigint} NOT NULL,
	end_ms ${bigint} NOT NULL,
	status TEXT NOT NULL,
	active INTEGER NOT NULL,
	patient_name_enc TEXT,
	patient_phone_enc TEXT,
	patient_email_enc TEXT,
	patient_ref_enc TEXT,
	patient_phone_digest TEXT,
	notes_enc TEXT,
	cancel_reason_enc TEXT,
	created_at_ms ${bigint} NOT NULL,
	updated_at_ms ${bigint} NOT NULL`;

const indexes = `
CREATE UNIQUE INDEX IF NOT EXISTS clinic_bookings_active_start ON clinic_bookings (calendar_id, practitioner_id, start_ms) WHERE active = 1;
CREATE INDEX IF NOT EXISTS clinic_bookings_calendar_start ON clinic_bookings (calendar_id, start_ms);
CREATE INDEX IF NOT EXISTS clinic_bookings_phone ON clinic_bookings (patient_phone_digest);`;

export const SCHEDULING_MIGRATIONS = [
	{
		id: 'scheduling-001',
		sqlite: `CREATE TABLE IF NOT EXISTS clinic_bookings (${columns('INTEGER')});${indexes}`,
		postgres: `CREATE TABLE IF NOT EXISTS clinic_bookings (${columns('BIGINT')});${indexes}`,
	},
];

registerMigrations('scheduling', SCHEDULING_MIGRATIONS);
