/**
 * A clinic's quarter for the KPI benchmark, written straight into a clinic store: `appointments` bookings of 8
 * practitioners and 10 audit entries per booking (reminder, its delivered/read statuses, the patient's answer and
 * the reply, a confirmation or a cancellation that frees the slot for the waitlist, a question and its answer — or,
 * for one booking in 20, a call from the patient instead of the question, and for one in 100 a call from the clinic —,
 * a survey answer or an opt-out), in time order, hash-chained as the audit log chains them.
 *
 * Shortcuts (the KPI report never decrypts, so they do not change what it reads or how much): message-ID digests
 * are unkeyed SHA-256 of a counter and the PHI ciphertexts are filler of the real length, instead of an HMAC and an
 * AES-GCM encryption per entry (~40 µs each here, minutes for a million entries).
 */
import { createHash, randomBytes } from 'node:crypto';

import '../../core/scheduling/schema';

import { canonicalEntry, hashCanonical } from '../../core/audit/entry';
import { AUDIT_LOCK_KEY } from '../../core/audit/schema';
import { SqlAuditWriter } from '../../core/audit/repositories/sql';
import type { StoredRow } from '../../core/audit/repositories/port';
import type { ClinicStore } from '../../core/store/ports';

export const ENTRIES_PER_APPOINTMENT = 10;
export const PRACTITIONERS = 8;
const PATIENTS = 20_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Outcome = 'fulfilled' | 'noshow' | 'booked' | 'cancelled';

interface Booking {
	startMs: number;
	practitioner: string;
	outcome: Outcome;
	confirmed: boolean;
	claimed: boolean;
	csat: string | null;
	optOut: boolean;
	/** Seconds to the reply after the patient's answer, and after their question. */
	waits: [number, number];
}

/** Bot replies in seconds, staff in minutes to hours. */
function wait(r: () => number): number {
	return r() < 0.75 ? 2 + r() * 25 : 120 + r() ** 2 * 4 * 3600;
}

export interface SeedPlan {
	/** The period's end: every appointment starts in the 91 days before it. */
	nowMs: number;
	days: number;
	bookings: Booking[];
}

export function plan(appointments: number, nowMs: number, days = 91): SeedPlan {
	const r = random(18);
	const perDay = Math.ceil(appointments / days);
	const bookings: Booking[] = [];
	for (let i = 0; i < appointments; i++) {
		const day = Math.floor(i / perDay);
		const slot = Math.floor((i % perDay) / PRACTITIONERS);
		const u = r();
		const outcome: Outcome = u < 0.12 ? 'cancelled' : u < 0.22 ? 'noshow' : u < 0.25 ? 'booked' : 'fulfilled';
		bookings.push({
			startMs: nowMs - (days - day) * DAY + 10 * HOUR + slot * 5 * MINUTE,
			practitioner: `dr-${String((i % PRACTITIONERS) + 1).padStart(2, '0')}`,
			outcome,
			confirmed: outcome !== 'cancelled' && r() < 0.7,
			claimed: r() < 0.6,
			csat:
				outcome === 'fulfilled' && r() < 0.3
					? (['GOOD', 'GOOD', 'OK', 'BAD'] as const)[Math.floor(r() * 4)]
					: null,
			optOut: r() < 0.01,
			waits: [wait(r), wait(r)],
		});
	}
	return { nowMs, days, bookings };
}

/** The booking rows, in one transaction per 5,000 (patient columns: ciphertext-sized filler). */
export async function writeBookings(store: ClinicStore, p: SeedPlan): Promise<void> {
	const filler = (n: number) => `v2:bench:${randomBytes(n).toString('base64url')}`;
	const cols =
		'id, calendar_id, practitioner_id, service_id, start_ms, end_ms, status, active, patient_name_enc, patient_phone_enc, patient_phone_digest, created_at_ms, updated_at_ms';
	const per = store.dialect === 'postgres' ? 200 : 1;
	for (let from = 0; from < p.bookings.length; from += 5000) {
		const part = p.bookings.slice(from, from + 5000);
		await store.transaction(async (tx) => {
			for (let i = 0; i < part.length; i += per) {
				const params: unknown[] = [];
				const tuples = part.slice(i, i + per).map((b, j) => {
					const n = from + i + j;
					const cancelled = b.outcome === 'cancelled';
					params.push(
						`b-${n}`,
						'default',
						b.practitioner,
						'consulta',
						b.startMs,
						b.startMs + 20 * MINUTE,
						b.outcome,
						cancelled ? 0 : 1,
						filler(40),
						filler(30),
						randomBytes(32).toString('hex'),
						b.startMs - 10 * DAY,
						cancelled ? b.startMs - 10 * HOUR : b.startMs + HOUR,
					);
					return `(${Array.from({ length: 13 }, (_, k) => `$${j * 13 + k + 1}`).join(', ')})`;
				});
				await tx.query(`INSERT INTO clinic_bookings (${cols}) VALUES ${tuples.join(', ')}`, params);
			}
		});
	}
}

type Entry = Omit<StoredRow, 'seq' | 'ts' | 'prev_hash' | 'hash' | 'entry' | 'kind'>;

/** Entry `slot` (0–9) of booking `n`: when it happens and what it records. */
function entryOf(p: SeedPlan, n: number, slot: number, patient: string): [number, Entry] {
	const b = p.bookings[n];
	const reminderAt = b.startMs - DAY;
	const answerAt = reminderAt + 30 * MINUTE;
	const freedAt = b.startMs - 10 * HOUR;
	const questionAt = b.startMs - 3 * HOUR;
	// 64 hex digits like a keyed digest (the report compares their first 20).
	const msg = (k: number) =>
		createHash('sha256')
			.update(`m${n * 4 + k}`)
			.digest('hex');
	const base: Entry = {
		direction: 'system',
		event: null,
		patient_digest: patient,
		patient_enc: `v2:bench:${'x'.repeat(70)}`,
		user_id: null,
		message_digest: null,
		message_enc: null,
		template: null,
		purpose: 'appointment-reminder',
		workflow_id: 'wac-inbox',
		execution_id: `ex-${n}`,
		node: 'Audit Log',
		outcome: 'success',
		content_digest: null,
		content_enc: null,
		details: null,
	};
	const sent = (k: number, template: string | null): Entry => ({
		...base,
		direction: 'outbound',
		event: 'message.sent',
		message_digest: msg(k),
		message_enc: `v2:bench:${'m'.repeat(110)}`,
		template,
		details: '{"messageStatus":"accepted"}',
	});
	const status = (k: number, s: string): Entry => ({
		...base,
		direction: 'status',
		event: `status.${s}`,
		message_digest: msg(k),
		message_enc: `v2:bench:${'m'.repeat(110)}`,
		details: `{"pricingCategory":"utility","status":"${s}"}`,
	});
	const received = (): Entry => ({
		...base,
		direction: 'inbound',
		event: 'message.received',
		content_digest: 'c'.repeat(64),
		content_enc: `v2:bench:${'t'.repeat(60)}`,
		details: '{"mediaKind":null,"type":"text"}',
	});
	const system = (event: string, details: Record<string, string>): Entry => ({
		...base,
		event,
		details: JSON.stringify(details),
	});
	// Calls (core/whatsapp/calling-audit.ts; the audit keeps the call ID as a keyed digest, core/audit/chain.ts): a patient's call answered (2–12 min) or, one in three, missed; a clinic
	// call the patient did not take.
	const patientCall = (k: number): Entry => {
		const talked = k % 60 !== 7;
		return {
			...base,
			direction: 'inbound',
			event: talked ? 'call.completed' : 'call.missed',
			outcome: talked ? 'success' : 'minor-failure',
			details: JSON.stringify({
				callDigest: callDigest(k),
				direction: 'USER_INITIATED',
				status: talked ? 'COMPLETED' : 'FAILED',
				durationSeconds: talked ? 120 + ((k * 37) % 600) : null,
			}),
		};
	};
	const clinicCall = (k: number): Entry => ({
		...base,
		direction: 'outbound',
		event: 'call.unanswered',
		outcome: 'minor-failure',
		details: JSON.stringify({
			callDigest: callDigest(k),
			direction: 'BUSINESS_INITIATED',
			status: 'FAILED',
			durationSeconds: null,
		}),
	});
	const freedSlotId = `f-${n}`;
	const cancelled = b.outcome === 'cancelled';
	switch (slot) {
		case 0:
			return [reminderAt, sent(0, 'appointment_reminder')];
		case 1:
			return [reminderAt + 20_000, status(0, n % 20 ? 'delivered' : 'sent')];
		case 2:
			return [reminderAt + 5 * MINUTE, status(0, n % 5 ? 'read' : 'sent')];
		case 3:
			return [answerAt, received()];
		case 4:
			return [answerAt + b.waits[0] * 1000, sent(1, null)];
		case 5:
			return [answerAt + b.waits[0] * 1000 + 15_000, status(1, 'delivered')];
		case 6:
			if (cancelled)
				return [
					answerAt + b.waits[0] * 1000 + 20_000,
					system('appointment.cancelled', { appointmentId: `b-${n}` }),
				];
			return [
				answerAt + b.waits[0] * 1000 + 20_000,
				b.confirmed ? system('appointment.confirmed', { appointmentId: `b-${n}` }) : status(1, 'read'),
			];
		case 7:
			if (cancelled)
				return [
					freedAt,
					system('waitlist.slot-freed', {
						freedSlotId,
						slotId: `builtin:${n}`,
						practitionerId: b.practitioner,
					}),
				];
			if (n % 20 === 7) return [questionAt, patientCall(n)];
			if (n % 100 === 41) return [questionAt, clinicCall(n)];
			return [questionAt, received()];
		case 8:
			if (cancelled)
				return [freedAt + MINUTE, system('waitlist.offered', { freedSlotId, offerId: `o-${n}` })];
			return [questionAt + b.waits[1] * 1000, sent(2, null)];
		default:
			if (cancelled)
				return [
					freedAt + 5 * MINUTE,
					b.claimed
						? system('waitlist.claimed', { freedSlotId, appointmentId: `w-${n}` })
						: system('waitlist.offered', { freedSlotId, offerId: `o2-${n}` }),
				];
			if (b.csat)
				return [b.startMs + 3 * HOUR, system('survey.csat', { rating: b.csat, appointmentId: `b-${n}` })];
			if (b.optOut) return [b.startMs + 3 * HOUR, system('consent.withdrawn', { purpose: 'marketing' })];
			return [questionAt + b.waits[1] * 1000 + 10_000, status(2, 'delivered')];
	}
}

/** Entries the report reads: all but the `status.sent` ones (no KPI counts them). */
export function countedEntries(p: SeedPlan): number {
	const n = p.bookings.length;
	const sentStatuses = Math.ceil(n / 20) + Math.ceil(n / 5); // entry 1 of every 20th booking, entry 2 of every 5th
	return n * ENTRIES_PER_APPOINTMENT - sentStatuses;
}

/** 10 audit entries per booking, in time order, chained; one transaction per 20,000 entries. */
export async function writeAuditLog(
	store: ClinicStore,
	p: SeedPlan,
	log: (m: string) => void,
): Promise<number> {
	const total = p.bookings.length * ENTRIES_PER_APPOINTMENT;
	const patients = Array.from({ length: Math.min(PATIENTS, p.bookings.length) }, (_, i) =>
		store.cipher.digest(`55119${String(10_000_000 + i)}`),
	);
	const at = new Float64Array(total);
	for (let e = 0; e < total; e++) at[e] = entryOf(p, Math.floor(e / 10), e % 10, '')[0];
	const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => at[a] - at[b] || a - b);
	let head = { seq: 0, hash: '0'.repeat(64) };
	const chunk = 20_000;
	for (let from = 0; from < total; from += chunk) {
		const rows: StoredRow[] = [];
		for (let k = from; k < Math.min(total, from + chunk); k++) {
			const e = order[k];
			const n = Math.floor(e / 10);
			const [ms, fields] = entryOf(p, n, e % 10, patients[n % patients.length]);
			const row = { ...fields, kind: 'entry' as const, seq: head.seq + 1, ts: new Date(ms).toISOString() };
			const entry = canonicalEntry(row);
			const hash = hashCanonical(head.hash, entry);
			rows.push({ ...row, prev_hash: head.hash, hash, entry });
			head = { seq: row.seq, hash };
		}
		await store.transaction(async (tx) => await new SqlAuditWriter(tx).insert(rows), {
			lockKey: AUDIT_LOCK_KEY,
		});
		if ((from / chunk) % 10 === 0) log(`  audit entries written: ${from + rows.length}/${total}`);
	}
	return total;
}

/** The calls the seed records (what the report must count): patients' calls answered and missed, clinic calls not taken. */
export function seededCalls(p: SeedPlan): { handled: number; missed: number; unanswered: number } {
	const calls = { handled: 0, missed: 0, unanswered: 0 };
	p.bookings.forEach((b, n) => {
		if (b.outcome === 'cancelled') return;
		if (n % 20 === 7) calls[n % 60 === 7 ? 'missed' : 'handled']++;
		else if (n % 100 === 41) calls.unanswered++;
	});
	return calls;
}

/** A stand-in for the keyed digest the audit keeps of call `k`'s ID (64 hex characters, like cipher.digest). */
function callDigest(k: number): string {
	return createHash('sha256').update(`wacid.${k}`).digest('hex');
}
