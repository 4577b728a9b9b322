/**
 * The KPI Report over a clinic store's audit log (SQLite file: read in a worker thread; PostgreSQL: on the store)
 * gives the same figures as over the memory audit log, and the same as the SQLite store's own-connection read.
 */
import type { KpiReport } from '../../../core/kpi';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import type { ClinicStore } from '../../../core/store/ports';
import { appendTimed, auditLog, fortnightReport } from '../../unit/kpi/fortnight';
import { describeEachBackend } from './backends';

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
});
