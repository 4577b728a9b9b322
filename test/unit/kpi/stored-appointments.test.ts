/**
 * The built-in scheduler's appointments read for the KPI report from a SQLite clinic store: paged by (start, id)
 * even when many share a start, one calendar only, and without any patient data.
 */
import { randomBytes } from 'node:crypto';

import { type AppointmentFact, storedAppointments } from '../../../core/kpi';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import type { StoredBooking } from '../../../core/scheduling/repositories/port';
import { type ClinicStore, openClinicStore } from '../../../core/store';

let store: ClinicStore;
beforeAll(async () => {
	store = await openClinicStore(
		{ backend: 'sqlite', path: ':memory:', phi: { key: randomBytes(32).toString('base64'), keyId: 'k1' } },
		{ cache: false },
	);
});
afterAll(async () => await store.close());

const T0 = Date.parse('2026-03-02T12:00:00Z');
const booking = (
	id: string,
	practitionerId: string,
	startMs: number,
	status: StoredBooking['status'],
): StoredBooking => ({
	id,
	practitionerId,
	serviceId: 'consulta',
	startMs,
	endMs: startMs + 1_800_000,
	status,
	patient: { name: 'Ana Souza', phone: '+5511911111111' },
	createdAtMs: T0 - 86_400_000,
	updatedAtMs: T0 - 3_600_000,
});

it('pages through every appointment of the calendar in (start, id) order, without patient data', async () => {
	const repo = new SqlBookingRepository(store, 'clinic-a');
	// Five practitioners at the same start (ties on start_ms across page boundaries), one later, one cancelled.
	for (const p of ['p5', 'p3', 'p1', 'p4', 'p2'])
		expect(await repo.insertIfFree(booking(`x-${p}`, p, T0, 'booked'), 0)).toEqual({ ok: true });
	await repo.insertIfFree(booking('y', 'p1', T0 + 7_200_000, 'noshow'), 0);
	await repo.insertIfFree(booking('z', 'p1', T0 + 9_000_000, 'booked'), 0);
	await repo.setStatus('z', 'cancelled', T0, 'patient asked');
	await new SqlBookingRepository(store, 'clinic-b').insertIfFree(booking('other', 'p1', T0, 'booked'), 0);

	const pages: AppointmentFact[][] = [];
	for await (const page of storedAppointments(store, 'clinic-a', 2)(T0, T0 + 86_400_000)) pages.push(page);
	expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
	const all = pages.flat();
	expect(all.map((a) => a.id)).toEqual(['x-p1', 'x-p2', 'x-p3', 'x-p4', 'x-p5', 'y', 'z']);
	expect(all[5]).toEqual({
		id: 'y',
		practitionerId: 'p1',
		startMs: T0 + 7_200_000,
		status: 'noshow',
		updatedMs: T0 - 3_600_000,
	});
	expect(all[6]).toMatchObject({ id: 'z', status: 'cancelled', updatedMs: T0 });
	expect(JSON.stringify(all)).not.toMatch(/Ana|5511/);

	const later: AppointmentFact[] = [];
	for await (const page of storedAppointments(store, 'clinic-a')(T0 + 1, T0 + 86_400_000))
		later.push(...page);
	expect(later.map((a) => a.id)).toEqual(['y', 'z']);
});
