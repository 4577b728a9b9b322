/**
 * One contract for every BookingRepository: memory, SQL on SQLite, SQL on Postgres (when WAC_PG_URL is set).
 * The race tests use two separate store connections on one Postgres database (as two n8n workers would).
 */
import { BuiltinSchedulingProvider } from '../../../core/scheduling/providers/builtin';
import { MemoryBookingRepository } from '../../../core/scheduling/repositories/memory';
import type { BookingRepository, StoredBooking } from '../../../core/scheduling/repositories/port';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import { encodeSlotId } from '../../../core/scheduling/slot-id';
import { type ClinicStore, openClinicStore } from '../../../core/store';
import { at, clinicRules } from '../../unit/scheduling/helpers';
import { describeEachBackend } from '../store/backends';

const NOW = at('2030-01-06T12:00');

function booking(
	id: string,
	practitionerId: string,
	start: string,
	minutes = 30,
	extra: Partial<StoredBooking> = {},
): StoredBooking {
	const startMs = at(start);
	return {
		id,
		practitionerId,
		serviceId: 'consulta',
		startMs,
		endMs: startMs + minutes * 60000,
		status: 'booked',
		patient: { name: 'Maria Silva', phone: '+5511999990000' },
		createdAtMs: NOW,
		updatedAtMs: NOW,
		...extra,
	};
}

function contract(
	title: string,
	make: () => Promise<{ repo: BookingRepository; second: BookingRepository }>,
) {
	describe(title, () => {
		it('insertIfFree refuses overlapping active bookings (padded), allows other practitioners and cancelled ones', async () => {
			const { repo } = await make();
			expect(await repo.insertIfFree(booking('a', 'ana', '2030-01-07T09:00'), 0)).toEqual({ ok: true });
			expect(await repo.insertIfFree(booking('b', 'ana', '2030-01-07T09:00'), 0)).toEqual({
				ok: false,
				reason: 'slot_taken',
			});
			expect(await repo.insertIfFree(booking('c', 'ana', '2030-01-07T09:15', 15), 0)).toEqual({
				ok: false,
				reason: 'slot_taken',
			});
			expect(await repo.insertIfFree(booking('d', 'ana', '2030-01-07T09:30'), 0)).toEqual({ ok: true });
			expect(await repo.insertIfFree(booking('e', 'ana', '2030-01-07T10:04'), 5 * 60000)).toEqual({
				ok: false,
				reason: 'slot_taken',
			});
			expect(await repo.insertIfFree(booking('f', 'bruno', '2030-01-07T09:00'), 0)).toEqual({ ok: true });
			await repo.setStatus('a', 'cancelled', NOW, 'pediu');
			expect(await repo.insertIfFree(booking('g', 'ana', '2030-01-07T09:00'), 0)).toEqual({ ok: true });
			const busy = await repo.listBusy(at('2030-01-07T00:00'), at('2030-01-08T00:00'), ['ana']);
			expect(busy.map((b) => b.startMs).sort()).toEqual([at('2030-01-07T09:00'), at('2030-01-07T09:30')]);
			const cancelled = await repo.get('a');
			expect(cancelled).toMatchObject({
				status: 'cancelled',
				cancelReason: 'pediu',
				patient: { name: 'Maria Silva', phone: '+5511999990000' },
			});
		});

		it('list filters by window, practitioner and status, ordered by start', async () => {
			const { repo } = await make();
			await repo.insertIfFree(booking('x2', 'ana', '2030-01-07T11:00'), 0);
			await repo.insertIfFree(booking('x1', 'bruno', '2030-01-07T08:00'), 0);
			await repo.insertIfFree(booking('x3', 'ana', '2030-01-08T08:00'), 0);
			await repo.setStatus('x3', 'noshow', NOW);
			const day = await repo.list({ fromMs: at('2030-01-07T00:00'), toMs: at('2030-01-08T00:00') });
			expect(day.map((b) => b.id)).toEqual(['x1', 'x2']);
			expect(
				(
					await repo.list({
						fromMs: at('2030-01-07T00:00'),
						toMs: at('2030-01-09T00:00'),
						practitionerId: 'ana',
					})
				).map((b) => b.id),
			).toEqual(['x2', 'x3']);
			expect(
				(
					await repo.list({
						fromMs: at('2030-01-07T00:00'),
						toMs: at('2030-01-09T00:00'),
						statuses: ['noshow'],
					})
				).map((b) => b.id),
			).toEqual(['x3']);
			expect(await repo.get('nope')).toBeUndefined();
			expect(await repo.setStatus('nope', 'arrived', NOW)).toBeUndefined();
		});

		it('list filters by patient phone ("my appointments"), whichever way the number was typed', async () => {
			const { repo } = await make();
			const joao = { name: 'João', phone: '5511988887777' };
			await repo.insertIfFree(booking('p1', 'ana', '2030-01-07T09:00'), 0); // Maria, +5511999990000
			await repo.insertIfFree(booking('p2', 'ana', '2030-01-07T10:00', 30, { patient: joao }), 0);
			await repo.insertIfFree(booking('p3', 'bruno', '2030-01-08T09:00'), 0);
			const window = { fromMs: at('2030-01-07T00:00'), toMs: at('2030-01-09T00:00') };
			for (const phone of ['+5511999990000', '5511999990000', '+55 11 99999-0000']) {
				expect((await repo.list({ ...window, patientPhone: phone })).map((b) => b.id)).toEqual(['p1', 'p3']);
			}
			expect((await repo.list({ ...window, patientPhone: '+5511988887777' })).map((b) => b.id)).toEqual([
				'p2',
			]);
			expect(await repo.list({ ...window, patientPhone: '+5511900000000' })).toEqual([]);
		});

		it('moveIfFree moves atomically and ignores the booking itself', async () => {
			const { repo } = await make();
			await repo.insertIfFree(booking('m1', 'ana', '2030-01-07T09:00'), 0);
			await repo.insertIfFree(booking('m2', 'ana', '2030-01-07T10:00'), 0);
			const shift = await repo.moveIfFree(
				'm1',
				{
					startMs: at('2030-01-07T09:15'),
					endMs: at('2030-01-07T09:45'),
					serviceId: 'consulta',
					practitionerId: 'ana',
				},
				NOW,
				0,
			);
			expect(shift).toMatchObject({
				ok: true,
				previous: { startMs: at('2030-01-07T09:00') },
				booking: { startMs: at('2030-01-07T09:15') },
			});
			const clash = await repo.moveIfFree(
				'm1',
				{
					startMs: at('2030-01-07T09:45'),
					endMs: at('2030-01-07T10:15'),
					serviceId: 'consulta',
					practitionerId: 'ana',
				},
				NOW,
				0,
			);
			expect(clash).toEqual({ ok: false, reason: 'slot_taken' });
			expect(
				await repo.moveIfFree(
					'zz',
					{ startMs: 0, endMs: 1, serviceId: 'consulta', practitionerId: 'ana' },
					NOW,
					0,
				),
			).toEqual({ ok: false, reason: 'not_found' });
		});

		it('20 concurrent Book calls for one slot through two connections: exactly one booking', async () => {
			const { repo, second } = await make();
			const rules = clinicRules();
			let n = 0;
			const providers = [repo, second].map(
				(r, k) =>
					new BuiltinSchedulingProvider({
						rules,
						repository: r,
						clock: () => NOW,
						newId: () => `race_${k}_${++n}`,
						alternatives: 2,
					}),
			);
			const slotId = encodeSlotId({
				backend: 'builtin',
				practitionerId: 'ana',
				serviceId: 'consulta',
				startMs: at('2030-01-07T09:00'),
			});
			const results = await Promise.all(
				Array.from({ length: 20 }, (_, i) =>
					providers[i % 2].book({
						slotId,
						patient: { name: `P${i}`, phone: `+551199999${String(i).padStart(4, '0')}` },
					}),
				),
			);
			expect(results.filter((r) => r.booked)).toHaveLength(1);
			for (const r of results.filter((x) => !x.booked)) {
				expect(r).toMatchObject({ booked: false, reason: 'slot_taken' });
				if (!r.booked) expect(r.alternatives).toHaveLength(2);
			}
			expect(await repo.list({ fromMs: at('2030-01-07T00:00'), toMs: at('2030-01-08T00:00') })).toHaveLength(
				1,
			);
		});
	});
}

contract('MemoryBookingRepository', async () => {
	const repo = new MemoryBookingRepository();
	return { repo, second: repo };
});

const stores: ClinicStore[] = [];
afterAll(async () => {
	await Promise.all(stores.map((s) => s.close()));
});

describeEachBackend('SqlBookingRepository', (backend) => {
	contract('contract', async () => {
		const config = await backend().fresh();
		const a = await openClinicStore(config, { cache: false });
		// Postgres: a second pool, as a second n8n worker would have. SQLite: one connection per process (the store
		// is cached per file); a second connection in the same process would block the event loop in busy_timeout.
		const b = backend().name === 'postgres' ? await openClinicStore(config, { cache: false }) : a;
		stores.push(a);
		if (b !== a) stores.push(b);
		return { repo: new SqlBookingRepository(a, 'clinic-1'), second: new SqlBookingRepository(b, 'clinic-1') };
	});

	it('stores patient name and phone encrypted, keeps calendars apart, and the DB refuses a duplicate active start', async () => {
		const config = await backend().fresh();
		const store = await openClinicStore(config, { cache: false });
		stores.push(store);
		const repo = new SqlBookingRepository(store, 'clinic-1');
		await repo.insertIfFree(booking('p1', 'ana', '2030-01-07T09:00', 30, { notes: 'alergia a dipirona' }), 0);
		const [raw] = await store.query<Record<string, unknown>>('SELECT * FROM clinic_bookings');
		const text = JSON.stringify(raw);
		expect(text).not.toContain('Maria');
		expect(text).not.toContain('99999');
		expect(text).not.toContain('dipirona');
		expect(raw.patient_phone_digest).toBe(store.cipher.digest('+5511999990000'));
		// Another calendar in the same store is independent.
		const other = new SqlBookingRepository(store, 'clinic-2');
		expect(await other.insertIfFree(booking('p2', 'ana', '2030-01-07T09:00'), 0)).toEqual({ ok: true });
		expect(await other.get('p1')).toBeUndefined();
		// Bypassing the repository, the partial unique index still refuses a second active booking at that start.
		await expect(
			store.query(
				`INSERT INTO clinic_bookings (id, calendar_id, practitioner_id, service_id, start_ms, end_ms, status, active, created_at_ms, updated_at_ms)
				 VALUES ('p3', 'clinic-1', 'ana', 'consulta', $1, $2, 'booked', 1, 0, 0)`,
				[at('2030-01-07T09:00'), at('2030-01-07T09:30')],
			),
		).rejects.toThrow(/UNIQUE|duplicate key/i);
	});
});
