/**
 * A small, hand-checked clinic fortnight (America/Sao_Paulo, UTC-3; weeks of 2 and 9 March 2026): the audit entries
 * and appointments the KPI Report tests count. Each comment says what the entry adds to which KPI.
 */
import { randomBytes } from 'node:crypto';

import { type AuditEntryInput, MemoryAuditRepository, appendAuditEntries } from '../../../core/audit';
import type { AuditSource } from '../../../core/audit/repositories';
import { type KpiReport, appointmentsFromItems, buildKpiReport } from '../../../core/kpi';
import { createPhiCipher } from '../../../core/store/phi-cipher';
import { callEntry } from './calls';

export const ZONE = 'America/Sao_Paulo';
/** Local wall time in São Paulo (UTC-3, no DST since 2019) as a Date. */
export const local = (iso: string) => new Date(`${iso}-03:00`);
export const W1 = '2026-03-02';
export const W2 = '2026-03-09';
const ANA = '+55 11 91111-1111';
const BIA = '+55 11 92222-2222';
const CAIO = '+55 11 93333-3333';

export type Timed = [at: string, entry: AuditEntryInput];

const sent = (phone: string, messageId: string, extra: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
	direction: 'outbound',
	event: 'message.sent',
	patientPhone: phone,
	messageId,
	...extra,
});
const reminder = (phone: string, messageId: string) =>
	sent(phone, messageId, { template: 'appointment_reminder', purpose: 'appointment-reminder' });
const status = (messageId: string, s: string): AuditEntryInput => ({
	direction: 'status',
	event: `status.${s}`,
	messageId,
	details: { status: s },
});
const received = (phone: string): AuditEntryInput => ({
	direction: 'inbound',
	event: 'message.received',
	patientPhone: phone,
});
const system = (event: string, details: Record<string, string>, phone?: string): AuditEntryInput => ({
	direction: 'system',
	event,
	patientPhone: phone ?? null,
	details,
});

/** The fortnight's audit log, in time order. */
export const ENTRIES: Timed[] = [
	['2026-03-01T23:59', received(ANA)], // before the period: not read
	// Week 1, Monday: Ana's reminder (delivered twice, then read), her answer and the bot's reply 30 s later.
	['2026-03-02T09:00', reminder(ANA, 'wamid.r1')],
	['2026-03-02T09:01', status('wamid.r1', 'delivered')],
	['2026-03-02T09:01', status('wamid.r1', 'delivered')],
	['2026-03-02T09:02', status('wamid.r1', 'read')],
	['2026-03-02T10:00', received(ANA)],
	['2026-03-02T10:00:30', sent(ANA, 'wamid.s1')],
	['2026-03-02T10:01', system('appointment.confirmed', { appointmentId: 'a1' }, ANA)],
	['2026-03-02T10:02', system('appointment.confirmed', { appointmentId: 'a1' }, ANA)], // tapped twice: one confirmation
	['2026-03-02T11:00', status('wamid.unknown', 'delivered')], // a status of a message not sent in the period
	// Tuesday: two messages from Ana, one reply 15 minutes after the first (now tied to Dr Ana through a1).
	['2026-03-03T10:00', received(ANA)],
	['2026-03-03T10:05', received(ANA)],
	['2026-03-03T10:15', sent(ANA, 'wamid.s2')],
	['2026-03-03T10:16', status('wamid.s2', 'read')], // read implies delivered
	// Bruno's cancelled slot refilled from the waitlist; a second claim of the same slot changes nothing.
	[
		'2026-03-04T08:00',
		system('waitlist.slot-freed', { freedSlotId: 's1', slotId: 'builtin:…', practitionerId: 'dr-bruno' }),
	],
	['2026-03-04T08:01', system('waitlist.offered', { freedSlotId: 's1', offerId: 'o1' })],
	['2026-03-04T08:01', system('waitlist.offered', { freedSlotId: 's1', offerId: 'o2' })],
	['2026-03-04T08:03', system('waitlist.claimed', { freedSlotId: 's1', appointmentId: 'w1' })],
	['2026-03-04T08:04', system('waitlist.claimed', { freedSlotId: 's1', appointmentId: 'w2' })],
	// Satisfaction: Good for Ana's visit, Bad for Bruno's.
	['2026-03-05T15:00', system('survey.csat', { rating: 'GOOD', appointmentId: 'a1' }, ANA)],
	['2026-03-06T15:00', system('survey.csat', { rating: 'BAD', appointmentId: 'a5' }, BIA)],
	// Sunday 23:30 in São Paulo is Monday 02:30 UTC: still week 1.
	['2026-03-08T23:30', sent(BIA, 'wamid.s3')],
	['2026-03-08T23:31', system('consent.withdrawn', { purpose: 'marketing' }, BIA)],
	// Week 2: a freed slot nobody took, a failed send, a reply to Caio (unassigned) after 2 minutes.
	['2026-03-09T08:00', system('waitlist.slot-freed', { freedSlotId: 's2', practitionerId: 'dr-bruno' })],
	[
		'2026-03-09T09:00',
		{ direction: 'outbound', event: 'message.failed', patientPhone: CAIO, outcome: 'serious-failure' },
	],
	['2026-03-10T09:00', received(CAIO)],
	['2026-03-10T09:02', sent(CAIO, 'wamid.s4')],
	['2026-03-10T09:02', status('wamid.s4', 'delivered')],
	// Calls (calls.test.ts has the details): Ana's call answered, 5 minutes (Dr Ana, through a1); Caio's call missed.
	[
		'2026-03-11T14:00',
		callEntry({ id: 'wacid.f1', patient: '5511911111111', event: 'connect', direction: 'USER_INITIATED' }),
	],
	[
		'2026-03-11T14:05',
		callEntry({
			id: 'wacid.f1',
			patient: '5511911111111',
			event: 'terminate',
			direction: 'USER_INITIATED',
			status: 'COMPLETED',
			duration: 300,
		}),
	],
	[
		'2026-03-12T18:00',
		callEntry({
			id: 'wacid.f2',
			patient: '5511933333333',
			event: 'terminate',
			direction: 'USER_INITIATED',
			status: 'FAILED',
		}),
	],
	['2026-03-16T00:00', received(CAIO)], // the period's end (exclusive): not read
];

const appointment = (
	id: string,
	practitionerId: string,
	start: string,
	status: string,
	updated?: string,
) => ({
	id,
	practitioner: { id: practitionerId },
	start: local(start).toISOString(),
	status,
	...(updated ? { updatedAt: local(updated).toISOString() } : {}),
});

const APPOINTMENTS = [
	appointment('a1', 'dr-ana', '2026-03-04T09:00', 'fulfilled'),
	appointment('a2', 'dr-ana', '2026-03-04T10:00', 'noshow'),
	appointment('a3', 'dr-bruno', '2026-03-05T09:00', 'cancelled', '2026-03-04T07:00'), // 26 h ahead
	appointment('a4', 'dr-bruno', '2026-03-10T09:00', 'booked'), // past, nobody marked it
	appointment('a5', 'dr-bruno', '2026-03-11T09:00', 'fulfilled'),
	appointment('a6', 'dr-bruno', '2026-03-13T09:00', 'cancelled', '2026-03-13T07:00'), // 2 h ahead
	appointment('a7', 'dr-ana', '2026-03-15T09:00', 'booked'), // after "now": not due yet
	{ note: 'not an appointment' },
];

/** Appends `entries` to `target`, each recorded at its local time. */
export async function appendTimed(target: AuditSource, entries: readonly Timed[] = ENTRIES): Promise<void> {
	for (const [at, entry] of entries) await appendAuditEntries(target, [entry], { now: () => local(at) });
}

/** A memory audit log holding `entries`, each recorded at its local time. */
export async function auditLog(entries: readonly Timed[] = ENTRIES): Promise<MemoryAuditRepository> {
	const repo = new MemoryAuditRepository(createPhiCipher({ keyId: 'k1', root: randomBytes(32) }));
	await appendTimed(repo, entries);
	return repo;
}

/** The fortnight's report over the audit log `source` (several pages of `pageSize` entries). */
export async function fortnightReport(source: AuditSource, pageSize = 4): Promise<KpiReport> {
	const { source: appointments, ignored } = appointmentsFromItems(APPOINTMENTS);
	if (ignored !== 1) throw new Error(`expected the one non-appointment item to be ignored, not ${ignored}`);
	return await buildKpiReport(source, {
		from: '2026-03-02',
		to: '2026-03-16',
		timeZone: ZONE,
		appointments,
		now: local('2026-03-14T12:00'),
		pageSize,
	});
}

export async function fortnight(): Promise<KpiReport> {
	return await fortnightReport(await auditLog());
}
