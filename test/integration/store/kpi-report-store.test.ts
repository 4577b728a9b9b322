/**
 * The KPI Report over a clinic store's audit log (SQLite file: read in a worker thread; PostgreSQL: on the store)
 * gives the same figures as over the memory audit log, and the same as the SQLite store's own-connection read.
 */
import type { KpiReport } from '../../../core/kpi';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import type { ClinicStore } from '../../../core/store/ports';
import { type Timed, appendTimed, auditLog, fortnightReport } from '../../unit/kpi/fortnight';
import { describeEachBackend } from './backends';

const message = (n: number): Timed[1] => ({
	direction: 'inbound',
	event: 'message.received',
	patientPhone: `+55119${String(n).padStart(8, '0')}`,
});
/** `n` entries recorded at `day` (local), minute after minute, from patient `first` on. */
const block = (day: string, n: number, first: number): Timed[] =>
	Array.from({ length: n }, (_, i) => [`${day}T10:${String(i).padStart(2, '0')}`, message(first + i)]);

const figures = (r: KpiReport): Partial<KpiReport> => ({ ...r, generatedAt: undefined });

afterAll(async () => await closeAllClinicStores());

describeEachBackend('KPI Report on the clinic store', (backend) => {
	let store: ClinicStore;
	let expected: Partial<KpiReport>;
	beforeAll(async () => {
		store = await openClinicStore(await backend().fresh(), { cache: false });
		await appendTimed(store);
		expected = figures(await fortnightReport(await auditLog()));
	});
	afterAll(async () => await store.close());

	it('the figures of the memory audit log, in pages of 4 and of 5,000 entries', async () => {
		expect(expected.auditEntriesRead).toBeGreaterThan(20);
		expect(figures(await fortnightReport(store, 4))).toEqual(expected);
		expect(figures(await fortnightReport(store, 5000))).toEqual(expected);
	});

	it('the same figures when the store reads on its own connection (no reader thread)', async () => {
		const ownConnection = Object.create(store, { readKeysetPages: { value: undefined } }) as ClinicStore;
		expect(figures(await fortnightReport(ownConnection, 4))).toEqual(expected);
	});

	it('entries recorded out of time order (two processes whose clocks disagreed): the same entries as the memory log', async () => {
		// Stragglers in the period are recorded first and last; one before the period is recorded inside it; few
		// (then many) entries before and after the period.
		const walked: Timed[] = [
			['2026-03-05T09:00', message(1)],
			...block('2026-02-20', 3, 10),
			...block('2026-03-03', 40, 20),
			['2026-02-21T09:00', message(2)],
			...block('2026-03-20', 3, 70),
			['2026-03-06T09:00', message(3)],
		];
		const exact: Timed[] = [
			['2026-03-05T09:00', message(1)],
			...block('2026-02-20', 40, 10),
			...block('2026-03-03', 5, 60),
			...block('2026-03-20', 40, 70),
			['2026-03-06T09:00', message(3)],
		];
		for (const [entries, inPeriod] of [
			[walked, 42],
			[exact, 7],
		] as const) {
			const other = await openClinicStore(await backend().fresh(), { cache: false });
			try {
				await appendTimed(other, entries);
				const r = figures(await fortnightReport(other, 7));
				expect(r.auditEntriesRead).toBe(inPeriod);
				expect(r).toEqual(figures(await fortnightReport(await auditLog(entries), 7)));
			} finally {
				await other.close();
			}
		}
	});
});
