/** The report calendar (clinic-local days and Monday weeks, DST), the statistics and the CSAT reading. */
import { auditTimeMs } from '../../../core/kpi/audit-facts';
import { ReportCalendar } from '../../../core/kpi/calendar';
import { isSatisfied } from '../../../core/kpi/events';
import { medianAndP90, percent, quantile, responseHistogram, sortedSample } from '../../../core/kpi/stats';

describe('ReportCalendar', () => {
	it('splits a period into local days and Monday weeks across a DST change (Berlin, 29 March 2026: 23 h)', () => {
		const from = Date.parse('2026-03-27T23:00:00Z'); // Saturday 28 March 00:00 CET
		const to = Date.parse('2026-03-31T22:00:00Z'); // Wednesday 1 April 00:00 CEST
		const c = new ReportCalendar(from, to, 'Europe/Berlin');
		expect(c.days).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
		expect(c.weeks).toEqual(['2026-03-23', '2026-03-30']);
		expect(c.weekOfDay).toEqual([0, 0, 1, 1]);
		expect(c.dayIndex(Date.parse('2026-03-29T21:59:59Z'))).toBe(1); // Sunday 23:59:59 CEST
		expect(c.dayIndex(Date.parse('2026-03-29T22:00:00Z'))).toBe(2); // Monday 00:00 CEST
		expect(c.weekIndex(Date.parse('2026-03-29T22:00:00Z'))).toBe(1);
		expect(c.dayIndex(from - 1)).toBe(-1);
		expect(c.dayIndex(to)).toBe(-1);
	});

	it('a period that starts mid-day starts its first day there', () => {
		const c = new ReportCalendar(
			Date.parse('2026-03-04T15:00:00Z'),
			Date.parse('2026-03-05T15:00:00Z'),
			'UTC',
		);
		expect(c.days).toEqual(['2026-03-04', '2026-03-05']);
		expect(c.weeks).toEqual(['2026-03-02']);
		expect(c.dayIndex(Date.parse('2026-03-04T15:00:00Z'))).toBe(0);
	});

	it('refuses an unknown zone, an empty period and one over the limit, naming the field', () => {
		const t = Date.parse('2026-03-04T00:00:00Z');
		expect(() => new ReportCalendar(t, t + 1, 'Mars/Olympus')).toThrow(
			expect.objectContaining({ field: 'Time Zone', message: '"Mars/Olympus" is not a time zone' }),
		);
		expect(() => new ReportCalendar(t, t, 'UTC')).toThrow(expect.objectContaining({ field: 'To' }));
		expect(() => new ReportCalendar(t, t + 1300 * 86_400_000, 'UTC')).toThrow(
			expect.objectContaining({ field: 'From' }),
		);
	});
});

describe('statistics', () => {
	it('quantiles interpolate (median of an even sample is the mean of the middle two)', () => {
		const s = sortedSample([
			[40, 10],
			[30, 20],
		]);
		expect(Array.from(s)).toEqual([10, 20, 30, 40]);
		expect(quantile(s, 0.5)).toBe(25);
		expect(quantile(s, 0.9)).toBe(37);
		expect(quantile(new Float64Array(0), 0.5)).toBeNull();
		expect(medianAndP90(Float64Array.of(7))).toEqual({ median: 7, p90: 7 });
	});

	it('percent has one decimal and no value without a denominator', () => {
		expect(percent(1, 3)).toBe(33.3);
		expect(percent(0, 0)).toBeNull();
	});

	it('histogram bins are half-open: exactly 60 s is "1–5 min"', () => {
		const h = responseHistogram(Float64Array.of(0, 59.9, 60, 299, 300, 90_000));
		expect(h.map((b) => b.responses)).toEqual([2, 2, 1, 0, 0, 0, 1]);
	});
});

describe('CSAT answers', () => {
	it.each([
		['GOOD', true],
		['good', true],
		['Boa', true],
		[5, true],
		['4', true],
		['OK', false],
		['BAD', false],
		[3, false],
		[null, false],
		['9', false],
	])('%p satisfied: %p', (rating, expected) => {
		expect(isSatisfied(rating)).toBe(expected);
	});
});

describe('audit timestamps', () => {
	it('reads what Date.parse reads, day after day and across midnight, and leaves other forms to it', () => {
		const start = Date.parse('2026-02-27T21:59:58.123Z');
		for (let ms = start; ms < start + 4 * 86_400_000; ms += 3_601_007)
			expect(auditTimeMs(new Date(ms).toISOString())).toBe(ms);
		expect(auditTimeMs('2026-03-01T23:59:59.999Z')).toBe(Date.parse('2026-03-01T23:59:59.999Z'));
		expect(auditTimeMs('2026-03-02T00:00:00.000Z')).toBe(Date.parse('2026-03-02T00:00:00.000Z'));
		expect(auditTimeMs('2026-03-02T09:00:00-03:00')).toBe(Date.parse('2026-03-02T12:00:00Z'));
		expect(auditTimeMs('2026-03-02T09:00:00Z')).toBe(Date.parse('2026-03-02T09:00:00Z'));
		expect(auditTimeMs('2026-03-02Txx:00:00.000Z')).toBeNaN();
		expect(auditTimeMs('not a time')).toBeNaN();
	});
});
