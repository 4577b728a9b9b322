/**
 * FHIR R4 backend against a real FHIR server running in-process (Medplum FhirRouter + MemoryRepository over
 * HTTP, see fhir-server.ts), loaded with the official R4 examples (hl7.fhir.r4.examples) plus generated slots.
 */
import { FhirSchedulingProvider } from '../../../core/scheduling/providers/fhir';
import { decodeSlotId } from '../../../core/scheduling/slot-id';
import { send } from './fetch-sender';
import { r4Example, startFhirServer, type TestFhirServer } from './fhir-server';

const NOW = Date.parse('2030-01-06T12:00:00Z');
let server: TestFhirServer;

async function create(resource: Record<string, unknown>) {
	return (await server.repo.createResource(resource as never)) as unknown as {
		id: string;
		meta: { versionId: string };
	};
}

async function countAppointmentsForSlot(slotId: string): Promise<number> {
	const res = await send({
		method: 'GET',
		url: `${server.baseUrl}/Appointment?slot=Slot/${slotId}&status=booked`,
	});
	return ((res.body as { entry?: unknown[] }).entry ?? []).length;
}

function provider(options: Partial<ConstructorParameters<typeof FhirSchedulingProvider>[0]> = {}) {
	return new FhirSchedulingProvider({
		baseUrl: server.baseUrl,
		send,
		timeZone: 'America/Sao_Paulo',
		clock: () => NOW,
		...options,
	});
}

beforeAll(async () => {
	server = await startFhirServer();
	// Official R4 examples (ids preserved).
	await server.repo.withSeeding(async () => {
		for (const file of [
			'Schedule-example.json',
			'Slot-example.json',
			'Slot-1.json',
			'Slot-2.json',
			'Slot-3.json',
			'Appointment-example.json',
			'Patient-example.json',
			'Practitioner-example.json',
		]) {
			await create(r4Example(file));
		}
	});
	// A practitioner's schedule with 30-minute slots on 2030-01-07/08, 08:00–12:00 local (11:00–15:00Z).
	await create({ resourceType: 'Practitioner', id: 'ana', name: [{ text: 'Dra. Ana Souza' }] });
	const schedule = await create({
		resourceType: 'Schedule',
		active: true,
		actor: [
			{ reference: 'Practitioner/ana', display: 'Dra. Ana Souza' },
			{ reference: 'Location/1', display: 'Clínica Centro, sala 2' },
		],
		serviceType: [{ coding: [{ code: '57', display: 'Immunization' }] }],
	});
	for (const day of ['2030-01-07', '2030-01-08']) {
		for (let h = 11; h < 15; h++) {
			for (const m of [0, 30]) {
				const start = `${day}T${String(h).padStart(2, '0')}:${m === 0 ? '00' : '30'}:00Z`;
				await create({
					resourceType: 'Slot',
					schedule: { reference: `Schedule/${schedule.id}` },
					status: h === 12 && m === 0 ? 'busy' : 'free',
					start,
					end: new Date(Date.parse(start) + 30 * 60000).toISOString(),
					serviceType: [{ coding: [{ code: 'consulta', display: 'Consulta' }] }],
				});
			}
		}
	}
});

afterAll(async () => await server.close());

describe('FHIR R4 backend (in-process FHIR server)', () => {
	it('reads the official R4 example Slots: only the free one is offered', async () => {
		const p = provider({ clock: () => Date.parse('2013-12-24T00:00:00Z') });
		const slots = await p.findFreeSlots({
			scheduleId: 'example',
			from: '2013-12-25T00:00:00Z',
			to: '2013-12-26T00:00:00Z',
		});
		expect(slots).toHaveLength(1);
		expect(slots[0]).toMatchObject({
			start: '2013-12-25T09:15:00.000Z',
			end: '2013-12-25T09:30:00.000Z',
			startLocal: '2013-12-25T07:15:00-02:00', // Sao Paulo was on DST in December 2013
			service: { id: '57', name: 'Immunization', durationMinutes: 15 },
			location: 'Burgers UMC, South Wing, second floor',
			label: 'qua., 25 dez · 07:15',
		});
		expect(decodeSlotId(slots[0].slotId)).toEqual({ backend: 'fhir', slotResourceId: 'example' });
	});

	it('looks the Schedule up by actor and pages through Slot search results in start order', async () => {
		const p = provider({ pageSize: 5 });
		server.requests.length = 0;
		const slots = await p.findFreeSlots({ practitionerId: 'ana', limit: 12 });
		expect(server.requests[0]).toMatch(/^GET Schedule\?actor=Practitioner%2Fana/);
		expect(server.requests[1]).toMatch(
			/^GET Slot\?schedule=Schedule%2F[^&]+&status=free&start=ge2030-01-06T12%3A00%3A00\.000Z&start=lt.*&_sort=start&_count=5&_include=Slot%3Aschedule/,
		);
		expect(server.requests.filter((r) => r.includes('_offset='))).toHaveLength(2); // 3 pages
		expect(slots).toHaveLength(12);
		expect(slots.map((s) => s.startLocal.slice(0, 16)).slice(0, 4)).toEqual([
			'2030-01-07T08:00',
			'2030-01-07T08:30',
			'2030-01-07T09:30',
			'2030-01-07T10:00',
		]); // 09:00 is busy
		expect(slots[0]).toMatchObject({
			practitioner: { id: 'Practitioner/ana', name: 'Dra. Ana Souza' },
			service: { id: 'consulta', name: 'Consulta' },
			location: 'Clínica Centro, sala 2',
		});
		// An unknown practitioner is an input error, not an empty (fully booked) list: fhir-no-silent-answers.test.ts.
		await expect(p.findFreeSlots({ practitionerId: 'nobody' })).rejects.toMatchObject({
			field: 'practitionerId',
		});
	});

	it('books with a transaction Bundle: Appointment booked + Slot busy; the slot is no longer offered', async () => {
		const p = provider();
		const [slot] = await p.findFreeSlots({ practitionerId: 'ana', limit: 1 });
		const outcome = await p.book({
			slotId: slot.slotId,
			patient: { name: 'Maria Silva', phone: '+5511999990000' },
			notes: 'primeira consulta',
		});
		expect(outcome.booked).toBe(true);
		if (!outcome.booked) return;
		expect(outcome.appointment).toMatchObject({
			backend: 'fhir',
			status: 'booked',
			start: slot.start,
			end: slot.end,
			practitioner: { id: 'Practitioner/ana' },
			patient: { name: 'Maria Silva', phone: '+5511999990000' },
			notes: 'primeira consulta',
			slotId: slot.slotId,
		});
		const stored = (await server.repo.readResource(
			'Appointment',
			outcome.appointment.id,
		)) as unknown as Record<string, any>;
		expect(stored.status).toBe('booked');
		expect(stored.slot).toEqual([
			{
				reference: `Slot/${decodeSlotId(slot.slotId).backend === 'fhir' ? (decodeSlotId(slot.slotId) as { slotResourceId: string }).slotResourceId : ''}`,
			},
		]);
		expect(stored.participant.map((x: any) => x.actor.reference)).toEqual(['#patient', 'Practitioner/ana']);
		const fhirSlot = (await server.repo.readResource(
			'Slot',
			(decodeSlotId(slot.slotId) as { slotResourceId: string }).slotResourceId,
		)) as unknown as { status: string };
		expect(fhirSlot.status).toBe('busy');
		const next = await p.findFreeSlots({ practitionerId: 'ana', limit: 1 });
		expect(next[0].slotId).not.toBe(slot.slotId);
		// Booking the same slot again: slot_taken with the next free alternatives of that schedule.
		const again = await p.book({ slotId: slot.slotId, patient: { name: 'João' } });
		expect(again).toMatchObject({ booked: false, reason: 'slot_taken' });
		if (!again.booked)
			expect(again.alternatives.map((a) => a.start)).toEqual([
				next[0].start,
				expect.any(String),
				expect.any(String),
			]);
	});

	it('five concurrent Book calls for one slot: exactly one succeeds (If-Match + atomic transaction), no orphan Appointment', async () => {
		const p = provider();
		const [slot] = await p.findFreeSlots({ practitionerId: 'ana', limit: 1 });
		const rolledBackBefore = server.rolledBack;
		const results = await Promise.all(
			Array.from({ length: 5 }, (_, i) =>
				p.book({ slotId: slot.slotId, patient: { name: `Paciente ${i}`, phone: `+55119000000${i}` } }),
			),
		);
		expect(results.filter((r) => r.booked)).toHaveLength(1);
		for (const r of results.filter((x) => !x.booked)) {
			expect(r).toMatchObject({
				booked: false,
				reason: 'slot_taken',
				message: expect.stringMatching(/just taken/),
			});
			if (!r.booked) expect(r.alternatives.length).toBe(3);
		}
		const slotResourceId = (decodeSlotId(slot.slotId) as { slotResourceId: string }).slotResourceId;
		expect(await countAppointmentsForSlot(slotResourceId)).toBe(1);
		// Losers that read the old version failed on If-Match and were rolled back by the server.
		expect(server.rolledBack).toBeGreaterThan(rolledBackBefore);
	});

	it('the server enforces If-Match on a stale Slot version (409/412 contract)', async () => {
		const slot = await create({
			resourceType: 'Slot',
			schedule: { reference: 'Schedule/example' },
			status: 'free',
			start: '2030-02-01T10:00:00Z',
			end: '2030-02-01T10:15:00Z',
		});
		const ok = await send({
			method: 'PUT',
			url: `${server.baseUrl}/Slot/${slot.id}`,
			headers: { 'Content-Type': 'application/fhir+json', 'If-Match': `W/"${slot.meta.versionId}"` },
			body: { ...slot, status: 'busy' },
		});
		expect(ok.status).toBe(200);
		const stale = await send({
			method: 'PUT',
			url: `${server.baseUrl}/Slot/${slot.id}`,
			headers: { 'Content-Type': 'application/fhir+json', 'If-Match': `W/"${slot.meta.versionId}"` },
			body: { ...slot, status: 'free' },
		});
		expect(stale.status).toBe(412);
	});

	it('cancel sets the Appointment cancelled and frees the Slot; a second cancel says already cancelled', async () => {
		const p = provider();
		const [slot] = await p.findFreeSlots({ practitionerId: 'ana', limit: 1 });
		const booked = await p.book({ slotId: slot.slotId, patient: { name: 'Carla', phone: '+5511911112222' } });
		if (!booked.booked) throw new Error('expected booking');
		const cancelled = await p.cancel({ appointmentId: booked.appointment.id, reason: 'paciente desmarcou' });
		expect(cancelled).toMatchObject({ cancelled: true, appointment: { status: 'cancelled' } });
		const stored = (await server.repo.readResource(
			'Appointment',
			booked.appointment.id,
		)) as unknown as Record<string, any>;
		expect(stored.cancelationReason).toEqual({ text: 'paciente desmarcou' });
		const [first] = await p.findFreeSlots({ practitionerId: 'ana', limit: 1 });
		expect(first.slotId).toBe(slot.slotId);
		expect(await p.cancel({ appointmentId: booked.appointment.id })).toMatchObject({
			cancelled: false,
			reason: 'already_cancelled',
		});
		expect(await p.cancel({ appointmentId: 'does-not-exist' })).toMatchObject({
			cancelled: false,
			reason: 'not_found',
		});
	});

	it('reschedule moves the Appointment, frees the old Slot and takes the new one in one transaction', async () => {
		const p = provider();
		const [a, b] = await p.findFreeSlots({ practitionerId: 'ana', limit: 2 });
		const booked = await p.book({ slotId: a.slotId, patient: { name: 'Davi', phone: '+5511933334444' } });
		if (!booked.booked) throw new Error('expected booking');
		const moved = await p.reschedule({ appointmentId: booked.appointment.id, newSlotId: b.slotId });
		expect(moved).toMatchObject({
			rescheduled: true,
			appointment: { id: booked.appointment.id, start: b.start, slotId: b.slotId },
			previous: { start: a.start, slotId: a.slotId },
		});
		const slots = await p.findFreeSlots({ practitionerId: 'ana', limit: 1 });
		expect(slots[0].slotId).toBe(a.slotId);
		// Moving onto a busy slot is refused with alternatives.
		const other = await p.book({ slotId: a.slotId, patient: { name: 'Eva', phone: '+5511955556666' } });
		expect(other.booked).toBe(true);
		expect(await p.reschedule({ appointmentId: booked.appointment.id, newSlotId: a.slotId })).toMatchObject({
			rescheduled: false,
			reason: 'slot_taken',
		});
	});

	it('lists appointments in a window with the patient contact (contained or referenced Patient) and updates status', async () => {
		const p = provider();
		const [slot] = await p.findFreeSlots({ practitionerId: 'ana', from: '2030-01-08T00:00', limit: 1 });
		const withRef = await p.book({
			slotId: slot.slotId,
			patient: { reference: 'Patient/example', name: 'Peter James Chalmers' },
		});
		expect(withRef.booked).toBe(true);
		const list = await p.listAppointments({
			from: '2030-01-07',
			to: '2030-01-09',
			practitionerId: 'ana',
			statuses: ['booked'],
		});
		expect(list.length).toBeGreaterThanOrEqual(3);
		for (let i = 1; i < list.length; i++)
			expect(Date.parse(list[i].start)).toBeGreaterThanOrEqual(Date.parse(list[i - 1].start));
		expect(list.find((x) => x.patient.name === 'Maria Silva')?.patient.phone).toBe('+5511999990000');
		const peter = list.find((x) => x.patient.reference === 'Patient/example');
		expect(peter?.patient.name).toBe('Peter James Chalmers');
		// The official R4 example Appointment (2013) is outside the window.
		expect(list.some((x) => x.id === 'example')).toBe(false);
		const arrived = await p.updateStatus({ appointmentId: peter!.id, status: 'arrived' });
		expect(arrived.status).toBe('arrived');
		expect(
			((await server.repo.readResource('Appointment', peter!.id)) as unknown as { status: string }).status,
		).toBe('arrived');
		await expect(p.updateStatus({ appointmentId: 'nope', status: 'noshow' })).rejects.toMatchObject({
			field: 'appointmentId',
		});
	});

	it('maps server errors to SchedulingRemoteError with the OperationOutcome text', async () => {
		const p = provider();
		await expect(
			p.findFreeSlots({ serviceId: 'x', practitionerId: 'ana', from: '2030-01-07', to: '2030-01-08' }),
		).resolves.toEqual([]);
		const broken = new FhirSchedulingProvider({
			baseUrl: `${server.baseUrl}/nope`,
			send,
			timeZone: 'UTC',
			clock: () => NOW,
		});
		await expect(broken.findFreeSlots({ practitionerId: 'ana' })).rejects.toMatchObject({
			name: 'SchedulingRemoteError',
		});
	});
});
