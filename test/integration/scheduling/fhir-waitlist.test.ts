/**
 * The waitlist on the FHIR backend (issue 18 part 1), against the in-process FHIR R4 server: a patient's Cancel
 * frees a Slot → Offer Freed Slot offers it to the two waiting patients → both claim at once through FHIR Book
 * (version-checked transaction): exactly one Appointment is booked on the server, the other tap is told "taken" and
 * stays waiting. A time another system books on the server after the offer is "taken" for the waitlist too.
 */
import {
	MemoryWaitlistRepository,
	type OfferToSend,
	readFreedSlot,
	type WaveOptions,
	WaitlistService,
} from '../../../core/waitlist';
import { ZONE, fhirProvider, seedBruno } from './fhir-bruno';
import { startFhirServer, type TestFhirServer } from './fhir-server';

const NOW = Date.parse('2031-03-02T12:00:00Z');
const WAVE: WaveOptions = { waveSize: 3, windowMs: 30 * 60_000, locale: 'pt-BR' };
let server: TestFhirServer;

const provider = () => fhirProvider(server, NOW);

beforeAll(async () => {
	server = await startFhirServer();
	await seedBruno(server, '2031-03-03T13:00:00Z', 4);
});

afterAll(async () => await server.close());

/** A Cancel output of a booked FHIR appointment, on the slot `index` of the free list. */
async function bookAndCancel(index: number, name: string) {
	const fhir = provider();
	const free = await fhir.findFreeSlots({
		practitionerId: 'bruno',
		limit: 10,
		from: new Date(NOW).toISOString(),
	});
	const slot = free[index]!;
	const booked = await fhir.book({ slotId: slot.slotId, patient: { name, phone: '+5511988880000' } });
	if (!booked.booked) throw new Error(`not booked: ${booked.reason}`);
	const cancelled = await fhir.cancel({ appointmentId: booked.appointment.id });
	expect(cancelled.cancelled).toBe(true);
	return { slot, cancelled };
}

/** Active (not cancelled) Appointments on the server at `start`. */
async function activeAppointmentsAt(start: string): Promise<number> {
	const page = (await (await fetch(`${server.baseUrl}/Appointment?_count=100`)).json()) as {
		entry?: Array<{ resource: { status: string; start: string } }>;
	};
	return (page.entry ?? []).filter(
		(e) => e.resource.status !== 'cancelled' && Date.parse(e.resource.start) === Date.parse(start),
	).length;
}

describe('waitlist on FHIR', () => {
	const service = new WaitlistService({ repository: new MemoryWaitlistRepository(), clock: () => NOW });
	const list = () => `fhir:${server.baseUrl}`;
	const fhir = () => provider();
	const claim = async (o: OfferToSend) =>
		await service.claim(
			list(),
			{ offerId: o.offer.id, tapper: { phone: o.entry.patient.phone } },
			async (entry, slot) =>
				await fhir().book({
					slotId: slot.slotId,
					patient: { name: entry.patient.name, phone: entry.patient.phone },
				}),
		);

	beforeAll(async () => {
		for (const [i, name] of ['Bruna Alves', 'Davi Rocha'].entries())
			await service.join(list(), {
				patient: { name, phone: `+55119777700${i}` },
				// As Join Waitlist stores a FHIR practitioner (the node turns a bare id into this reference).
				practitionerId: 'Practitioner/bruno',
				timeZone: ZONE,
			});
	});

	it('Cancel → Offer → two simultaneous claims: one FHIR Appointment, the other "taken" and still waiting', async () => {
		const { slot, cancelled } = await bookAndCancel(0, 'Carla Mendes');
		const freed = readFreedSlot(cancelled, ZONE)!;
		expect(freed).toMatchObject({ slotId: slot.slotId, practitionerId: 'Practitioner/bruno' });
		const stillFree = async () =>
			(await fhir().findFreeSlots({ practitionerId: 'bruno', limit: 10, from: slot.start })).some(
				(s) => s.start === slot.start,
			);
		const offers = await service.offerFreedSlot(list(), freed, WAVE, stillFree);
		expect(offers.map((o) => o.entry.patient.name).sort()).toEqual(['Bruna Alves', 'Davi Rocha']);

		const outcomes = await Promise.all(offers.map(claim));
		expect(outcomes.filter((o) => o.claimed)).toHaveLength(1);
		expect(outcomes.filter((o) => !o.claimed).map((o) => [o.reason, o.entry?.status])).toEqual([
			['taken', 'waiting'],
		]);
		expect(await activeAppointmentsAt(slot.start)).toBe(1);
		// The same cancel arriving again offers nothing (the time is taken).
		expect(await service.offerFreedSlot(list(), freed, WAVE, stillFree)).toEqual([]);
	});

	it('a time another system books on the server after the offer is "taken": no double booking', async () => {
		const { slot, cancelled } = await bookAndCancel(1, 'Eva Souza');
		const offers = await service.offerFreedSlot(list(), readFreedSlot(cancelled, ZONE)!, WAVE);
		expect(offers).toHaveLength(1); // Davi or Bruna: the one still waiting
		const other = await fhir().book({
			slotId: slot.slotId,
			patient: { name: 'Walk-in', phone: '+5511966660000' },
		});
		expect(other.booked).toBe(true);
		expect(await claim(offers[0])).toMatchObject({ claimed: false, reason: 'taken' });
		expect(await activeAppointmentsAt(slot.start)).toBe(1);
	});
});
