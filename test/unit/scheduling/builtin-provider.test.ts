import { BuiltinSchedulingProvider } from '../../../core/scheduling/providers/builtin';
import { MemoryBookingRepository } from '../../../core/scheduling/repositories/memory';
import type { BookingRepository } from '../../../core/scheduling/repositories/port';
import { encodeSlotId } from '../../../core/scheduling/slot-id';
import { at, clinicRules } from './helpers';

const NOW = at('2030-01-06T12:00'); // Sunday noon; Monday 2030-01-07 is the first open day
const patient = { name: 'Maria Silva', phone: '+5511999990000' };

function setup(repository: BookingRepository = new MemoryBookingRepository(), overrides = {}) {
	let now = NOW;
	let n = 0;
	const provider = new BuiltinSchedulingProvider({
		rules: clinicRules(overrides),
		repository,
		clock: () => now,
		newId: () => `apt_${++n}`,
	});
	return { provider, repository, setNow: (ms: number) => (now = ms) };
}

describe('BuiltinSchedulingProvider', () => {
	it('finds slots with both time zones, practitioner, service, label and a bookable slot id', async () => {
		const { provider } = setup();
		const [first] = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', limit: 1 });
		expect(first).toEqual({
			slotId: expect.stringMatching(/^sl1~b~ana~consulta~/),
			start: '2030-01-07T11:00:00.000Z',
			end: '2030-01-07T11:30:00.000Z',
			startLocal: '2030-01-07T08:00:00-03:00',
			endLocal: '2030-01-07T08:30:00-03:00',
			timeZone: 'America/Sao_Paulo',
			practitioner: { id: 'ana', name: 'Dra. Ana Souza' },
			service: { id: 'consulta', name: 'Consulta', durationMinutes: 30 },
			label: 'seg., 7 jan · 08:00',
		});
	});

	it('books a slot, which then disappears from Find Free Slots', async () => {
		const { provider } = setup();
		const [slot] = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', limit: 1 });
		const outcome = await provider.book({ slotId: slot.slotId, patient });
		expect(outcome).toMatchObject({
			booked: true,
			appointment: {
				id: 'apt_1',
				status: 'booked',
				start: slot.start,
				end: slot.end,
				patient,
				practitioner: { id: 'ana' },
			},
		});
		const after = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', limit: 3 });
		// 08:00 booked (30 min) → 08:15 also overlaps → next is 08:30.
		expect(after.map((s) => s.startLocal.slice(11, 16))).toEqual(['08:30', '08:45', '09:00']);
	});

	it('two concurrent Book calls for one slot: exactly one succeeds, the other gets slot_taken + alternatives', async () => {
		const { provider, repository } = setup();
		const [slot] = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', limit: 1 });
		const results = await Promise.all([
			provider.book({ slotId: slot.slotId, patient }),
			provider.book({ slotId: slot.slotId, patient: { name: 'João', phone: '+5511988887777' } }),
		]);
		expect(results.filter((r) => r.booked)).toHaveLength(1);
		const loser = results.find((r) => !r.booked);
		expect(loser).toMatchObject({
			booked: false,
			reason: 'slot_taken',
			message: expect.stringMatching(/just taken/),
		});
		if (loser && !loser.booked) {
			expect(loser.alternatives.length).toBe(3);
			expect(loser.alternatives.map((a) => a.startLocal.slice(11, 16))).toEqual(['08:30', '08:45', '09:00']);
			expect(loser.alternatives.every((a) => a.practitioner.id === 'ana')).toBe(true);
		}
		expect((repository as MemoryBookingRepository).size).toBe(1);
	});

	it('an overlapping booking of a different service is also refused (not just the same start)', async () => {
		const { provider } = setup();
		const consulta = encodeSlotId({
			backend: 'builtin',
			practitionerId: 'ana',
			serviceId: 'consulta',
			startMs: at('2030-01-07T09:00'),
		});
		const retorno = encodeSlotId({
			backend: 'builtin',
			practitionerId: 'ana',
			serviceId: 'retorno',
			startMs: at('2030-01-07T09:15'),
		});
		const [a, b] = await Promise.all([
			provider.book({ slotId: consulta, patient }),
			provider.book({ slotId: retorno, patient }),
		]);
		expect([a.booked, b.booked].sort()).toEqual([false, true]);
	});

	it('re-checks rules at booking time: too soon, beyond horizon, off-schedule', async () => {
		const { provider, setNow } = setup(undefined, { minimumNoticeMinutes: 120, bookingHorizonDays: 7 });
		const slot = (local: string) =>
			encodeSlotId({ backend: 'builtin', practitionerId: 'ana', serviceId: 'consulta', startMs: at(local) });
		setNow(at('2030-01-07T08:30'));
		const soon = await provider.book({ slotId: slot('2030-01-07T09:00'), patient });
		expect(soon).toMatchObject({ booked: false, reason: 'too_soon' });
		if (!soon.booked) expect(soon.alternatives[0].startLocal.slice(0, 16)).toBe('2030-01-07T10:30');
		expect(await provider.book({ slotId: slot('2030-01-20T09:00'), patient })).toMatchObject({
			booked: false,
			reason: 'beyond_horizon',
			alternatives: [],
		});
		expect(await provider.book({ slotId: slot('2030-01-07T12:30'), patient })).toMatchObject({
			booked: false,
			reason: 'not_available',
		});
	});

	it('validates the patient and the slot id', async () => {
		const { provider } = setup();
		const [slot] = await provider.findFreeSlots({ serviceId: 'consulta', limit: 1 });
		await expect(provider.book({ slotId: slot.slotId, patient: { phone: '+5511' } })).rejects.toMatchObject({
			field: 'patientName',
		});
		await expect(provider.book({ slotId: slot.slotId, patient: { name: 'X' } })).rejects.toMatchObject({
			field: 'patientPhone',
		});
		await expect(provider.book({ slotId: 'abc', patient })).rejects.toMatchObject({ field: 'slotId' });
	});

	it('cancels (freeing the slot), refuses a second cancel, lists and updates status', async () => {
		const { provider } = setup();
		const [slot] = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', limit: 1 });
		const booked = await provider.book({ slotId: slot.slotId, patient, notes: 'primeira consulta' });
		if (!booked.booked) throw new Error('expected booking');
		const id = booked.appointment.id;

		const listed = await provider.listAppointments({ from: '2030-01-07', to: '2030-01-08' });
		expect(listed).toHaveLength(1);
		expect(listed[0]).toMatchObject({
			id,
			patient,
			notes: 'primeira consulta',
			status: 'booked',
			label: 'seg., 7 jan · 08:00',
		});

		expect((await provider.updateStatus({ appointmentId: id, status: 'arrived' })).status).toBe('arrived');
		expect(
			await provider.listAppointments({ from: '2030-01-07', to: '2030-01-08', statuses: ['booked'] }),
		).toHaveLength(0);
		await expect(provider.updateStatus({ appointmentId: 'nope', status: 'noshow' })).rejects.toMatchObject({
			field: 'appointmentId',
		});

		const cancelled = await provider.cancel({ appointmentId: id, reason: 'paciente pediu' });
		expect(cancelled).toMatchObject({ cancelled: true, appointment: { status: 'cancelled' } });
		expect(await provider.cancel({ appointmentId: id })).toMatchObject({
			cancelled: false,
			reason: 'already_cancelled',
		});
		expect(await provider.cancel({ appointmentId: 'nope' })).toMatchObject({
			cancelled: false,
			reason: 'not_found',
		});
		const again = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', limit: 1 });
		expect(again[0].slotId).toBe(slot.slotId);
	});

	it('lists one patient’s appointments by phone; other patient filters are a clear error', async () => {
		const { provider } = setup();
		const [a] = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'ana', limit: 1 });
		const [b] = await provider.findFreeSlots({ serviceId: 'consulta', practitionerId: 'bruno', limit: 1 });
		expect((await provider.book({ slotId: a.slotId, patient })).booked).toBe(true);
		const joao = { name: 'João', phone: '5511988887777', email: 'joao@example.com' };
		expect((await provider.book({ slotId: b.slotId, patient: joao })).booked).toBe(true);
		const window = { from: '2030-01-07', to: '2030-01-08' };
		const mine = await provider.listAppointments({ ...window, patient: { phone: '+55 11 98888-7777' } });
		expect(mine.map((x) => x.patient.name)).toEqual(['João']);
		await expect(
			provider.listAppointments({ ...window, patient: { reference: 'Patient/1' } }),
		).rejects.toMatchObject({ name: 'SchedulingInputError', field: 'patientPhone' });
	});

	it('says so when Limit cuts the list of appointments (never truncated silently)', async () => {
		const { provider } = setup();
		const s = (local: string) =>
			encodeSlotId({ backend: 'builtin', practitionerId: 'ana', serviceId: 'consulta', startMs: at(local) });
		for (const local of ['2030-01-07T08:00', '2030-01-07T09:00', '2030-01-07T10:00'])
			expect((await provider.book({ slotId: s(local), patient })).booked).toBe(true);
		const window = { from: '2030-01-07', to: '2030-01-08' };
		const warnings: unknown[] = [];
		const cut = await provider.listAppointments({ ...window, limit: 2, onWarning: (w) => warnings.push(w) });
		expect(cut.map((a) => a.startLocal)).toEqual(['2030-01-07T08:00:00-03:00', '2030-01-07T09:00:00-03:00']);
		expect(warnings).toEqual([
			expect.objectContaining({ code: 'results_truncated', message: expect.stringMatching(/Limit \(2\)/) }),
		]);
		const exact: unknown[] = [];
		expect(
			await provider.listAppointments({ ...window, limit: 3, onWarning: (w) => exact.push(w) }),
		).toHaveLength(3);
		expect(exact).toEqual([]);
	});

	it('reschedules atomically; the appointment may move onto its own padded time; taken target → alternatives', async () => {
		const { provider } = setup();
		const s = (local: string, p = 'ana') =>
			encodeSlotId({ backend: 'builtin', practitionerId: p, serviceId: 'consulta', startMs: at(local) });
		const a = await provider.book({ slotId: s('2030-01-07T09:00'), patient });
		const b = await provider.book({
			slotId: s('2030-01-07T10:00'),
			patient: { name: 'João', phone: '+5511988887777' },
		});
		if (!a.booked || !b.booked) throw new Error('expected bookings');
		const moved = await provider.reschedule({
			appointmentId: a.appointment.id,
			newSlotId: s('2030-01-07T09:15'),
		});
		expect(moved).toMatchObject({
			rescheduled: true,
			appointment: { id: a.appointment.id, startLocal: '2030-01-07T09:15:00-03:00' },
			previous: { start: '2030-01-07T12:00:00.000Z', slotId: a.appointment.slotId },
		});
		const clash = await provider.reschedule({
			appointmentId: a.appointment.id,
			newSlotId: s('2030-01-07T09:45'),
		});
		expect(clash).toMatchObject({ rescheduled: false, reason: 'slot_taken' });
		if (!clash.rescheduled) expect(clash.alternatives.length).toBeGreaterThan(0);
		// Moving to another practitioner works.
		const other = await provider.reschedule({
			appointmentId: b.appointment.id,
			newSlotId: s('2030-01-07T10:00', 'bruno'),
		});
		expect(other).toMatchObject({ rescheduled: true, appointment: { practitioner: { id: 'bruno' } } });
		await provider.cancel({ appointmentId: a.appointment.id });
		expect(
			await provider.reschedule({ appointmentId: a.appointment.id, newSlotId: s('2030-01-08T09:00') }),
		).toMatchObject({
			rescheduled: false,
			reason: 'not_active',
		});
	});

	it('treats dates without offset in the clinic time zone', async () => {
		const { provider } = setup();
		const slots = await provider.findFreeSlots({
			serviceId: 'consulta',
			practitionerId: 'ana',
			from: '2030-01-08T10:00',
			to: '2030-01-08T11:00',
		});
		expect(slots.map((x) => x.startLocal.slice(11, 16))).toEqual(['10:00', '10:15', '10:30', '10:45']);
		await expect(provider.findFreeSlots({ serviceId: 'consulta', from: 'amanhã' })).rejects.toMatchObject({
			field: 'from',
		});
	});
});
