/**
 * Clinic-store tables of the waitlist (registered at import; applied by openClinicStore).
 *
 * clinic_waitlist: one row per waiting patient and wish. Patient name, phone, user ID, email, FHIR reference and notes
 *   are encrypted (bound to table, column, row id); phone and user ID also as keyed digests for Leave / List by
 *   patient. `practitioner_id` / `service_id` are '' for "any", `latest_ms` is NO_END_MS for "no end", so one freed
 *   slot is matched with index seeks on (list, status, practitioner, service) and plain comparisons.
 * clinic_waitlist_slots: freed slots being offered (no PHI): wave counter and when the next wave is due. At most one
 *   open record per (list, slot ID).
 * clinic_waitlist_offers: one row per patient offered a freed slot (the button payload carries its random id), its
 *   window and answer. UNIQUE (freed slot, entry): nobody is offered the same freed slot twice.
 * clinic_waitlist_seen (waitlist-002): what Find Freed Slots saw free at its last poll (slot IDs, no PHI).
 */
import { registerMigrations } from '../store/migrations';

const tables = (bigint: string) => `
CREATE TABLE IF NOT EXISTS clinic_waitlist (
	id TEXT PRIMARY KEY,
	list_id TEXT NOT NULL,
	status TEXT NOT NULL,
	practitioner_id TEXT NOT NULL,
	service_id TEXT NOT NULL,
	earliest_ms ${bigint} NOT NULL,
	latest_ms ${bigint} NOT NULL,
	times_mask INTEGER NOT NULL,
	patient_name_enc TEXT,
	patient_phone_enc TEXT,
	patient_phone_digest TEXT,
	patient_user_id_enc TEXT,
	patient_user_id_digest TEXT,
	patient_email_enc TEXT,
	patient_ref_enc TEXT,
	notes_enc TEXT,
	appointment_id TEXT,
	created_at_ms ${bigint} NOT NULL,
	updated_at_ms ${bigint} NOT NULL
);
CREATE INDEX IF NOT EXISTS clinic_waitlist_match ON clinic_waitlist (list_id, status, practitioner_id, service_id, created_at_ms);
CREATE INDEX IF NOT EXISTS clinic_waitlist_phone ON clinic_waitlist (patient_phone_digest);
CREATE INDEX IF NOT EXISTS clinic_waitlist_user_id ON clinic_waitlist (patient_user_id_digest);
CREATE TABLE IF NOT EXISTS clinic_waitlist_slots (
	id TEXT PRIMARY KEY,
	list_id TEXT NOT NULL,
	slot_id TEXT NOT NULL,
	practitioner_id TEXT NOT NULL,
	service_id TEXT NOT NULL,
	start_ms ${bigint} NOT NULL,
	end_ms ${bigint} NOT NULL,
	time_bit INTEGER NOT NULL,
	status TEXT NOT NULL,
	wave INTEGER NOT NULL,
	next_wave_at_ms ${bigint} NOT NULL,
	info TEXT NOT NULL,
	appointment_id TEXT,
	claimed_offer_id TEXT,
	created_at_ms ${bigint} NOT NULL,
	updated_at_ms ${bigint} NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS clinic_waitlist_slots_open ON clinic_waitlist_slots (list_id, slot_id) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS clinic_waitlist_slots_due ON clinic_waitlist_slots (list_id, status, next_wave_at_ms);
CREATE TABLE IF NOT EXISTS clinic_waitlist_offers (
	id TEXT PRIMARY KEY,
	freed_slot_id TEXT NOT NULL,
	entry_id TEXT NOT NULL,
	wave INTEGER NOT NULL,
	status TEXT NOT NULL,
	offered_at_ms ${bigint} NOT NULL,
	expires_at_ms ${bigint} NOT NULL,
	answered_at_ms ${bigint},
	UNIQUE (freed_slot_id, entry_id)
);`;

/** clinic_waitlist_seen: per waitlist and watch (practitioner|service), the free slot IDs the last poll saw. */
const seen = (bigint: string) => `
CREATE TABLE IF NOT EXISTS clinic_waitlist_seen (
	list_id TEXT NOT NULL,
	watch_key TEXT NOT NULL,
	from_ms ${bigint} NOT NULL,
	to_ms ${bigint} NOT NULL,
	slot_ids TEXT NOT NULL,
	updated_at_ms ${bigint} NOT NULL,
	PRIMARY KEY (list_id, watch_key)
);`;

export const WAITLIST_MIGRATIONS = [
	{ id: 'waitlist-001', sqlite: tables('INTEGER'), postgres: tables('BIGINT') },
	{ id: 'waitlist-002', sqlite: seen('INTEGER'), postgres: seen('BIGINT') },
];

registerMigrations('waitlist', WAITLIST_MIGRATIONS);

/** Serialises the transactions of one waitlist across executions and processes. */
export const waitlistLockKey = (listId: string) => `waitlist:${listId}`;
