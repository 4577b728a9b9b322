/**
 * KPI Report: reads the period's appointments and audit entries (paged, never all at once) and returns one row per
 * week × practitioner, "all practitioners" rows, whole-period totals, response times per day, the response-time
 * distribution and the reminder funnel. n8n-free; the Audit Log node's KPI Report operation is its adapter.
 */
import { parseQueryTime } from '../audit/query';
import type { AuditSource } from '../audit/repositories';
import type { AppointmentSource } from './appointments';
import { auditFacts } from './audit-facts';
import { ReportCalendar } from './calendar';
import { KpiCollector, UNASSIGNED } from './collect';
import { medianAndP90, responseHistogram, sortedSample } from './stats';
import { type KpiRow, Tally, toRow } from './tally';

export const ALL = 'all';
export const TOTAL = 'total';
const DAY_MS = 86_400_000;

export interface KpiReportOptions {
	/** Period start (inclusive) and end (exclusive): ISO-8601 text, a luxon/n8n DateTime or a JS Date. */
	from: unknown;
	to: unknown;
	/** IANA zone of the clinic: days and weeks (Monday to Sunday) are local to it. */
	timeZone: string;
	/** Appointments (no-show, cancellations, practitioner of the entries that name one); null: none. */
	appointments: AppointmentSource | null;
	/** Appointments starting this many days around the period are read too, to name practitioners (default 60). */
	attributionDays?: number;
	/** Clock (tests): appointments before it are due. */
	now?: Date;
	/** Audit entries per page (default 5,000). */
	pageSize?: number;
}

export interface DayResponseRow {
	/** `yyyy-MM-dd`, clinic time, of the patient's message. */
	day: string;
	practitioner: string;
	responses: number;
	medianSeconds: number | null;
	p90Seconds: number | null;
}

export interface KpiReport {
	from: string;
	to: string;
	timeZone: string;
	generatedAt: string;
	/** Entries of the period the report read: the events it counts, every outbound and every system entry. */
	auditEntriesRead: number;
	appointmentsRead: number;
	weeks: string[];
	/** Practitioners with a row (IDs, then `unassigned` when any entry named none). */
	practitioners: string[];
	/** Per week: `all`, then each practitioner; then the whole period (`week: total`) the same way. */
	rows: KpiRow[];
	/** The whole period, all practitioners. */
	totals: KpiRow;
	responseTimeByDay: DayResponseRow[];
	responseHistogram: Array<{ bin: string; responses: number }>;
	/** Reminders sent → delivered → read → confirmed (whole period, all practitioners). */
	funnel: Array<{ step: string; count: number }>;
}

export async function buildKpiReport(source: AuditSource, options: KpiReportOptions): Promise<KpiReport> {
	const from = parseQueryTime(options.from, 'From', options.timeZone);
	const to = parseQueryTime(options.to, 'To', options.timeZone);
	const calendar = new ReportCalendar(Date.parse(from), Date.parse(to), options.timeZone);
	const now = options.now ?? new Date();
	const collector = new KpiCollector(calendar, now.getTime());
	// The audit log's first page is asked for before the appointments are read (they are counted first): on a SQLite
	// file store its reader thread looks up the period and reads ahead meanwhile.
	const audit = auditFacts(source, from, to, options.pageSize);
	const first = audit.next();
	first.catch(() => undefined); // thrown below, once the appointments are read
	try {
		if (options.appointments) {
			const around = (options.attributionDays ?? 60) * DAY_MS;
			for await (const page of options.appointments(calendar.fromMs - around, calendar.toMs + around))
				for (const a of page) collector.addAppointment(a);
		}
		for (let page = await first; !page.done; page = await audit.next())
			for (const f of page.value) collector.addEntry(f);
	} finally {
		await audit.return(undefined);
	}
	return assemble(collector, calendar, now);
}

/** Cells and response samples grouped by week and practitioner index. */
function assemble(c: KpiCollector, calendar: ReportCalendar, now: Date): KpiReport {
	const weekCells = calendar.weeks.map(() => new Map<number, Tally>());
	for (const [key, tally] of c.cells) {
		const [week, p] = KpiCollector.split(key);
		weekCells[week].set(p, tally);
	}
	const weekSamples = calendar.weeks.map(() => new Map<number, number[][]>());
	const daySamples = calendar.days.map(() => new Map<number, number[]>());
	for (const [key, list] of c.responses) {
		const [day, p] = KpiCollector.split(key);
		daySamples[day].set(p, list);
		const byP = weekSamples[calendar.weekOfDay[day]];
		byP.set(p, [...(byP.get(p) ?? []), list]);
	}
	const used = new Set<number>();
	for (const cells of weekCells) for (const p of cells.keys()) used.add(p);
	for (const samples of weekSamples) for (const p of samples.keys()) used.add(p);
	const order = [...used].sort((a, b) =>
		a === 0 ? 1 : b === 0 ? -1 : c.practitioners[a].localeCompare(c.practitioners[b]),
	);
	const name = (p: number) => c.practitioners[p] ?? UNASSIGNED;

	const rows: KpiRow[] = [];
	const periodCells = new Map<number, Tally>();
	const periodSamples = new Map<number, number[][]>();
	calendar.weeks.forEach((week, w) => {
		const all = new Tally();
		const allSamples: number[][] = [];
		const perP: KpiRow[] = [];
		for (const p of order) {
			const t = weekCells[w].get(p) ?? new Tally();
			const samples = weekSamples[w].get(p) ?? [];
			all.add(t);
			allSamples.push(...samples);
			periodCells.set(p, (periodCells.get(p) ?? new Tally()).add(t));
			periodSamples.set(p, [...(periodSamples.get(p) ?? []), ...samples]);
			perP.push(toRow(week, name(p), t, sortedSample(samples)));
		}
		rows.push(toRow(week, ALL, all, sortedSample(allSamples)), ...perP);
	});
	const grand = new Tally();
	const grandSamples: number[][] = [];
	const perP: KpiRow[] = [];
	for (const p of order) {
		const t = periodCells.get(p) ?? new Tally();
		const samples = periodSamples.get(p) ?? [];
		grand.add(t);
		grandSamples.push(...samples);
		perP.push(toRow(TOTAL, name(p), t, sortedSample(samples)));
	}
	const everything = sortedSample(grandSamples);
	const totals = toRow(TOTAL, ALL, grand, everything);
	rows.push(totals, ...perP);

	return {
		from: new Date(calendar.fromMs).toISOString(),
		to: new Date(calendar.toMs).toISOString(),
		timeZone: calendar.timeZone,
		generatedAt: now.toISOString(),
		auditEntriesRead: c.entriesRead,
		appointmentsRead: c.appointmentsRead,
		weeks: [...calendar.weeks],
		practitioners: order.map(name),
		rows,
		totals,
		responseTimeByDay: dayRows(calendar, daySamples, order, name),
		responseHistogram: responseHistogram(everything),
		funnel: [
			{ step: 'Reminders sent', count: grand.remindersSent },
			{ step: 'Delivered', count: grand.remindersDelivered },
			{ step: 'Read', count: grand.remindersRead },
			{ step: 'Confirmed', count: grand.confirmations },
		],
	};
}

function dayRows(
	calendar: ReportCalendar,
	daySamples: Array<Map<number, number[]>>,
	order: number[],
	name: (p: number) => string,
): DayResponseRow[] {
	const out: DayResponseRow[] = [];
	const row = (day: string, practitioner: string, sample: Float64Array): DayResponseRow => {
		const { median, p90 } = medianAndP90(sample);
		return { day, practitioner, responses: sample.length, medianSeconds: median, p90Seconds: p90 };
	};
	calendar.days.forEach((day, d) => {
		const byP = daySamples[d];
		out.push(row(day, ALL, sortedSample([...byP.values()])));
		for (const p of order) {
			const list = byP.get(p);
			if (list) out.push(row(day, name(p), sortedSample([list])));
		}
	});
	return out;
}
