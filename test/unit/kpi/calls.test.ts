/**
 * Calls in the KPI Report (issue 16): calls handled, patients' calls missed, clinic calls not taken, the answer rate
 * and call durations per week and practitioner, from audit entries written the way production writes them (Meta's
 * call webhooks → the trigger's parser → detectAuditEntry; calls.ts).
 */
import { type AuditEntryInput } from '../../../core/audit';
import { type KpiReport, buildKpiReport, kpiCsv } from '../../../core/kpi';
import { CALL_COLUMNS } from '../../../core/kpi/tally';
import { type WireCallUpdate, callEntry } from './calls';
import { type Timed, W1, W2, ZONE, auditLog } from './fortnight';

const ANA = '5511911111111';
const BIA = '5511922222222';
const CAIO = '5511933333333';
const patientCall = (id: string, patient: string, rest: Partial<WireCallUpdate>): AuditEntryInput =>
	callEntry({ id, patient, event: 'terminate', direction: 'USER_INITIATED', ...rest });
const clinicCall = (id: string, patient: string, rest: Partial<WireCallUpdate>): AuditEntryInput =>
	callEntry({ id, patient, event: 'terminate', direction: 'BUSINESS_INITIATED', ...rest });

const ENTRIES: Timed[] = [
	// Ties Ana's conversation to Dr Ana; Bia and Caio stay unassigned.
	[
		'2026-03-02T09:00',
		{
			direction: 'system',
			event: 'appointment.booked',
			patientPhone: ANA,
			details: { practitionerId: 'dr-ana' },
		},
	],
	// Week 1. Ana calls; the clinic answers; 5 minutes. Meta delivers the terminate twice: one call.
	['2026-03-02T10:00', patientCall('wacid.1', ANA, { event: 'connect' })],
	['2026-03-02T10:05', patientCall('wacid.1', ANA, { status: 'COMPLETED', duration: 300 })],
	['2026-03-02T10:05:30', patientCall('wacid.1', ANA, { status: 'COMPLETED', duration: 300 })],
	// Bia calls; nobody answers (terminate FAILED, no start, no duration): missed.
	['2026-03-03T11:00', patientCall('wacid.2', BIA, { status: 'FAILED' })],
	// The clinic calls Bia; it rings, she rejects it: not taken.
	['2026-03-04T09:00', clinicCall('wacid.3', BIA, { event: 'status', status: 'RINGING' })],
	['2026-03-04T09:00:20', clinicCall('wacid.3', BIA, { event: 'status', status: 'REJECTED' })],
	['2026-03-04T09:00:21', clinicCall('wacid.3', BIA, { status: 'FAILED' })],
	// The clinic calls Ana; she answers; Meta gives start and end (90 s) but no duration.
	['2026-03-05T09:00', clinicCall('wacid.4', ANA, { event: 'connect' })],
	[
		'2026-03-05T09:01:30',
		clinicCall('wacid.4', ANA, { status: 'COMPLETED', start: 1772712000, end: 1772712090 }),
	],
	// Week 2. Ana's 1-minute call; Caio misses once, then gets through for 10 minutes.
	['2026-03-10T10:00', patientCall('wacid.5', ANA, { status: 'COMPLETED', duration: 60 })],
	['2026-03-11T10:00', patientCall('wacid.6', CAIO, { status: 'FAILED' })],
	['2026-03-12T10:00', patientCall('wacid.7', CAIO, { status: 'COMPLETED', duration: 600 })],
];

let report: KpiReport;
beforeAll(async () => {
	report = await buildKpiReport(await auditLog(ENTRIES), {
		from: '2026-03-02',
		to: '2026-03-16',
		timeZone: ZONE,
		appointments: null,
		pageSize: 3,
	});
});
const calls = (week: string, practitioner: string) => {
	const r = report.rows.find((x) => x.week === week && x.practitioner === practitioner);
	if (!r) throw new Error(`no row ${week} / ${practitioner}`);
	return Object.fromEntries(CALL_COLUMNS.map((k) => [k, r[k]]));
};

describe('KPI Report: calls', () => {
	it('reads each call once, by its last entry (connects and ringing/rejected statuses are not counted)', () => {
		// Read: the system entry, every terminate (the repeated one too), the clinic's connects (outbound).
		expect(report.auditEntriesRead).toBe(10);
		expect(report.practitioners).toEqual(['dr-ana', 'unassigned']);
		expect(report.totals.messagesSent).toBe(0);
	});

	it('per week and practitioner: handled, missed, not taken, answer rate, durations', () => {
		expect(calls(W1, 'dr-ana')).toEqual({
			callsHandled: 2,
			callsFromPatients: 1,
			callsMissed: 0,
			callAnswerRatePct: 100,
			callsToPatients: 1,
			callsUnanswered: 0,
			callMedianSeconds: 195,
			callP90Seconds: 279,
		});
		expect(calls(W1, 'unassigned')).toEqual({
			callsHandled: 0,
			callsFromPatients: 1,
			callsMissed: 1,
			callAnswerRatePct: 0,
			callsToPatients: 1,
			callsUnanswered: 1,
			callMedianSeconds: null,
			callP90Seconds: null,
		});
		expect(calls(W1, 'all')).toEqual({
			callsHandled: 2,
			callsFromPatients: 2,
			callsMissed: 1,
			callAnswerRatePct: 50,
			callsToPatients: 2,
			callsUnanswered: 1,
			callMedianSeconds: 195,
			callP90Seconds: 279,
		});
		expect(calls(W2, 'all')).toEqual({
			callsHandled: 2,
			callsFromPatients: 3,
			callsMissed: 1,
			callAnswerRatePct: 66.7,
			callsToPatients: 0,
			callsUnanswered: 0,
			callMedianSeconds: 330,
			callP90Seconds: 546,
		});
		expect(calls(W2, 'unassigned')).toMatchObject({ callsHandled: 1, callsMissed: 1, callAnswerRatePct: 50 });
	});

	it('whole period, and the CSV columns after the earlier ones', () => {
		// Durations 60, 90, 300, 600 s.
		expect(calls('total', 'all')).toEqual({
			callsHandled: 4,
			callsFromPatients: 5,
			callsMissed: 2,
			callAnswerRatePct: 60,
			callsToPatients: 2,
			callsUnanswered: 1,
			callMedianSeconds: 195,
			callP90Seconds: 510,
		});
		expect(calls('total', 'dr-ana')).toMatchObject({
			callsHandled: 3,
			callMedianSeconds: 90,
			callP90Seconds: 258,
		});
		expect(calls('total', 'unassigned')).toMatchObject({ callsFromPatients: 3, callAnswerRatePct: 33.3 });
		const lines = kpiCsv([report.totals]).trimEnd().split('\r\n');
		expect(
			lines[0].endsWith(
				',optOutRatePct,callsHandled,callsFromPatients,callsMissed,callAnswerRatePct,callsToPatients,callsUnanswered,callMedianSeconds,callP90Seconds',
			),
		).toBe(true);
		expect(lines[1].endsWith(',4,5,2,60,2,1,195,510')).toBe(true);
	});

	it('a period without calls: zero counts, empty rates and durations', async () => {
		const quiet = await buildKpiReport(await auditLog(ENTRIES.slice(0, 1)), {
			from: '2026-03-02',
			to: '2026-03-09',
			timeZone: ZONE,
			appointments: null,
		});
		expect(quiet.totals).toMatchObject({
			callsHandled: 0,
			callsFromPatients: 0,
			callsMissed: 0,
			callAnswerRatePct: null,
			callsToPatients: 0,
			callsUnanswered: 0,
			callMedianSeconds: null,
			callP90Seconds: null,
		});
	});
});
