/**
 * KPI Report figures from a small, hand-checked clinic fortnight (fortnight.ts): every KPI of issue 18 per week and
 * practitioner, with the "all practitioners" and whole-period rows, on the in-memory audit repository.
 */
import {
	type AppointmentFact,
	type KpiReport,
	type KpiRow,
	appointmentsFromItems,
	buildKpiReport,
	kpiCsv,
} from '../../../core/kpi';
import { ENTRIES, W1, W2, ZONE, auditLog, fortnight, local } from './fortnight';

let report: KpiReport;
beforeAll(async () => {
	report = await fortnight();
});
const row = (week: string, practitioner: string): KpiRow => {
	const r = report.rows.find((x) => x.week === week && x.practitioner === practitioner);
	if (!r) throw new Error(`no row ${week} / ${practitioner}`);
	return r;
};

describe('KPI Report', () => {
	it('reads exactly the period, in clinic time, and names its weeks by their Monday', () => {
		expect(report.from).toBe('2026-03-02T03:00:00.000Z');
		expect(report.to).toBe('2026-03-16T03:00:00.000Z');
		// Not read: the entries before and at the end of the period, and the connect of Ana's call (only a call's
		// last entry counts).
		expect(report.auditEntriesRead).toBe(ENTRIES.length - 3);
		expect(report.appointmentsRead).toBe(7);
		expect(report.weeks).toEqual([W1, W2]);
		expect(report.practitioners).toEqual(['dr-ana', 'dr-bruno', 'unassigned']);
		expect(report.rows.map((r) => `${r.week}/${r.practitioner}`)).toEqual([
			`${W1}/all`,
			`${W1}/dr-ana`,
			`${W1}/dr-bruno`,
			`${W1}/unassigned`,
			`${W2}/all`,
			`${W2}/dr-ana`,
			`${W2}/dr-bruno`,
			`${W2}/unassigned`,
			'total/all',
			'total/dr-ana',
			'total/dr-bruno',
			'total/unassigned',
		]);
	});

	it('response time: first unanswered message to the next reply, median and p90 per day and week', () => {
		// Ana: Monday 30 s (not yet tied to a practitioner), Tuesday 900 s (Dr Ana); Caio: 120 s (unassigned).
		expect(row(W1, 'all')).toMatchObject({
			responses: 2,
			responseMedianSeconds: 465,
			responseP90Seconds: 813,
		});
		expect(row(W1, 'dr-ana')).toMatchObject({ responses: 1, responseMedianSeconds: 900 });
		expect(row(W1, 'unassigned')).toMatchObject({ responses: 1, responseMedianSeconds: 30 });
		expect(row(W2, 'unassigned')).toMatchObject({ responses: 1, responseMedianSeconds: 120 });
		expect(row('total', 'all')).toMatchObject({
			responses: 3,
			responseMedianSeconds: 120,
			responseP90Seconds: 744,
		});
		const day = (d: string, p = 'all') =>
			report.responseTimeByDay.find((x) => x.day === d && x.practitioner === p);
		expect(day('2026-03-02')).toMatchObject({ responses: 1, medianSeconds: 30, p90Seconds: 30 });
		expect(day('2026-03-03', 'dr-ana')).toMatchObject({ responses: 1, medianSeconds: 900 });
		expect(day('2026-03-04')).toMatchObject({ responses: 0, medianSeconds: null });
		expect(report.responseTimeByDay.filter((d) => d.practitioner === 'all')).toHaveLength(14);
		expect(report.responseHistogram).toEqual([
			{ bin: '< 1 min', responses: 1 },
			{ bin: '1–5 min', responses: 1 },
			{ bin: '5–15 min', responses: 0 },
			{ bin: '15–60 min', responses: 1 },
			{ bin: '1–4 h', responses: 0 },
			{ bin: '4–24 h', responses: 0 },
			{ bin: '> 24 h', responses: 0 },
		]);
	});

	it('delivery and read rates per sent message (statuses of the same message counted once)', () => {
		// Week 1: r1 delivered+read, s1 nothing, s2 read (so delivered), s3 nothing → 2/4 delivered, 2/4 read.
		expect(row(W1, 'all')).toMatchObject({ messagesSent: 4, deliveryRatePct: 50, readRatePct: 50 });
		// Week 2: s4 delivered; the failed send is not a sent message.
		expect(row(W2, 'all')).toMatchObject({ messagesSent: 1, deliveryRatePct: 100, readRatePct: 0 });
		expect(row('total', 'all')).toMatchObject({
			messagesSent: 5,
			messagesReceived: 4,
			deliveryRatePct: 60,
			readRatePct: 40,
		});
	});

	it('reminder confirmation rate and the funnel', () => {
		expect(row(W1, 'all')).toMatchObject({
			remindersSent: 1,
			remindersConfirmed: 1,
			confirmationRatePct: 100,
		});
		// The reminder came before anything tied Ana to a practitioner; the confirmation names appointment a1.
		expect(row(W1, 'unassigned')).toMatchObject({ remindersSent: 1, remindersConfirmed: 0 });
		expect(row(W1, 'dr-ana')).toMatchObject({
			remindersSent: 0,
			remindersConfirmed: 1,
			confirmationRatePct: null,
		});
		expect(report.funnel).toEqual([
			{ step: 'Reminders sent', count: 1 },
			{ step: 'Delivered', count: 1 },
			{ step: 'Read', count: 1 },
			{ step: 'Confirmed', count: 1 },
		]);
	});

	it('no-show rate from appointment status, cancellations and their lead time', () => {
		expect(row(W1, 'dr-ana')).toMatchObject({ appointments: 2, attended: 1, noShows: 1, noShowRatePct: 50 });
		expect(row(W1, 'dr-bruno')).toMatchObject({
			appointments: 1,
			cancellations: 1,
			cancelLeadMedianHours: 26,
			noShowRatePct: null,
		});
		// a4 is past but unmarked (not in the rate), a5 attended, a6 cancelled 2 h ahead, a7 not due yet.
		expect(row(W2, 'dr-bruno')).toMatchObject({
			appointments: 3,
			attended: 1,
			noShows: 0,
			unmarked: 1,
			noShowRatePct: 0,
		});
		expect(row(W2, 'dr-ana')).toMatchObject({
			appointments: 1,
			attended: 0,
			unmarked: 0,
			noShowRatePct: null,
		});
		expect(row('total', 'all')).toMatchObject({
			appointments: 7,
			cancellations: 2,
			cancelLeadMedianHours: 14,
			noShows: 1,
			attended: 2,
			unmarked: 1,
			noShowRatePct: 33.3,
		});
	});

	it('waitlist fill rate: freed slots refilled ÷ freed, offers counted', () => {
		expect(row(W1, 'dr-bruno')).toMatchObject({
			slotsFreed: 1,
			slotsRefilled: 1,
			waitlistOffers: 2,
			fillRatePct: 100,
		});
		expect(row(W2, 'dr-bruno')).toMatchObject({ slotsFreed: 1, slotsRefilled: 0, fillRatePct: 0 });
		expect(row('total', 'dr-bruno')).toMatchObject({ slotsFreed: 2, slotsRefilled: 1, fillRatePct: 50 });
	});

	it('CSAT and opt-out rate', () => {
		expect(row(W1, 'dr-ana')).toMatchObject({ csatAnswers: 1, csatPct: 100 });
		expect(row(W1, 'dr-bruno')).toMatchObject({ csatAnswers: 1, csatPct: 0 });
		expect(row(W1, 'all')).toMatchObject({
			csatAnswers: 2,
			csatPct: 50,
			patientsMessaged: 2,
			optOuts: 1,
			optOutRatePct: 50,
		});
		expect(row('total', 'all')).toMatchObject({ patientsMessaged: 3, optOuts: 1, optOutRatePct: 33.3 });
	});

	it('totals equal the whole-period "all" row', () => {
		expect(report.totals).toEqual(row('total', 'all'));
	});

	it('CSV: a header and one line per row, spreadsheet formulas neutralised', async () => {
		const csv = kpiCsv([
			...report.rows.slice(0, 1),
			{ ...row(W1, 'dr-ana'), practitioner: '=HYPERLINK("x")' },
		]);
		const lines = csv.trimEnd().split('\r\n');
		expect(lines[0]).toBe(
			'week,practitioner,messagesReceived,messagesSent,responses,responseMedianSeconds,responseP90Seconds,deliveryRatePct,readRatePct,remindersSent,remindersConfirmed,confirmationRatePct,appointments,cancellations,cancelLeadMedianHours,attended,noShows,unmarked,noShowRatePct,slotsFreed,slotsRefilled,waitlistOffers,fillRatePct,csatAnswers,csatPct,patientsMessaged,optOuts,optOutRatePct,callsHandled,callsFromPatients,callsMissed,callAnswerRatePct,callsToPatients,callsUnanswered,callMedianSeconds,callP90Seconds',
		);
		expect(lines[1].startsWith(`${W1},all,3,4,2,465,813,50,50,1,1,100,`)).toBe(true);
		expect(lines[2].startsWith(`${W1},"'=HYPERLINK(""x"")",`)).toBe(true);
		expect(lines).toHaveLength(3);
	});

	it('without appointments: audit KPIs only, appointment KPIs empty', async () => {
		const repo = await auditLog(ENTRIES.slice(0, 8));
		const r = await buildKpiReport(repo, {
			from: local('2026-03-02T00:00'),
			to: local('2026-03-09T00:00'),
			timeZone: ZONE,
			appointments: null,
		});
		expect(r.totals).toMatchObject({
			appointments: 0,
			noShowRatePct: null,
			remindersSent: 1,
			remindersConfirmed: 1,
		});
		expect(r.practitioners).toEqual(['unassigned']);
	});
});

describe('messages recorded under another event', () => {
	it("workflow 01's answer to Confirm (an outbound send result recorded as appointment.confirmed) is a sent message, a reply and a confirmation", async () => {
		const repo = await auditLog([
			[
				'2026-03-02T10:00',
				{ direction: 'inbound', event: 'message.received', patientPhone: '+5511944444444' },
			],
			[
				'2026-03-02T10:00:05',
				{
					direction: 'outbound',
					event: 'appointment.confirmed',
					patientPhone: '+5511944444444',
					messageId: 'wamid.reply',
					purpose: 'appointment-reminder',
					details: { appointmentId: 'a1' },
				},
			],
			['2026-03-02T10:00:09', { direction: 'status', event: 'status.delivered', messageId: 'wamid.reply' }],
			[
				'2026-03-02T10:01',
				{
					direction: 'outbound',
					event: 'message.blocked',
					patientPhone: '+5511944444444',
					messageId: 'wamid.b',
				},
			],
		]);
		const { source } = appointmentsFromItems([
			{ id: 'a1', start: '2026-03-04T12:00:00Z', status: 'booked', practitionerId: 'dr-ana' },
		]);
		const r = await buildKpiReport(repo, {
			from: '2026-03-02',
			to: '2026-03-09',
			timeZone: ZONE,
			appointments: source,
			now: local('2026-03-03T00:00'),
		});
		expect(r.totals).toMatchObject({
			messagesSent: 1,
			responses: 1,
			responseMedianSeconds: 5,
			deliveryRatePct: 100,
			remindersSent: 0,
			remindersConfirmed: 1,
		});
		expect(r.rows.find((x) => x.week === '2026-03-02' && x.practitioner === 'dr-ana')).toMatchObject({
			messagesSent: 1,
			remindersConfirmed: 1,
			responses: 1,
		});
	});
});

describe('appointment outcomes', () => {
	it('a recorded outcome counts whenever it is recorded; only an unmarked past appointment waits for one', async () => {
		const { source } = appointmentsFromItems([
			{ id: 'n', start: '2026-03-05T12:00:00Z', status: 'noshow', practitionerId: 'p' },
			{ id: 'f', start: '2026-03-05T13:00:00Z', status: 'fulfilled', practitionerId: 'p' },
			{ id: 'b', start: '2026-03-05T14:00:00Z', status: 'booked', practitionerId: 'p' },
			{ id: 'old', start: '2026-03-03T14:00:00Z', status: 'pending', practitionerId: 'p' },
		]);
		const r = await buildKpiReport(await auditLog([]), {
			from: '2026-03-02',
			to: '2026-03-09',
			timeZone: ZONE,
			appointments: source,
			now: local('2026-03-04T12:00'), // before n, f and b start
		});
		expect(r.totals).toMatchObject({
			appointments: 4,
			noShows: 1,
			attended: 1,
			unmarked: 1,
			noShowRatePct: 50,
		});
	});
});

describe('appointments given as items', () => {
	it('reads List Appointments items of any backend, in start order, and skips what is not one', async () => {
		const { source, ignored } = appointmentsFromItems([
			{ id: 'b', start: '2026-03-05T12:00:00Z', status: 'Booked', practitioner: { id: 'p1' } },
			{
				id: 'a',
				start: '2026-03-04T12:00:00Z',
				status: 'noshow',
				practitionerId: 'p2',
				updatedAt: '2026-03-04T13:00:00Z',
			},
			{ id: 'c', start: 'not a date', status: 'booked' },
			{ start: '2026-03-04T12:00:00Z', status: 'booked' },
		]);
		const pages: AppointmentFact[][] = [];
		for await (const page of source(Date.parse('2026-03-01'), Date.parse('2026-03-31'))) pages.push(page);
		expect(ignored).toBe(2);
		expect(pages.flat()).toEqual([
			{
				id: 'a',
				practitionerId: 'p2',
				startMs: Date.parse('2026-03-04T12:00:00Z'),
				status: 'noshow',
				updatedMs: Date.parse('2026-03-04T13:00:00Z'),
			},
			{
				id: 'b',
				practitionerId: 'p1',
				startMs: Date.parse('2026-03-05T12:00:00Z'),
				status: 'booked',
				updatedMs: null,
			},
		]);
	});
});
