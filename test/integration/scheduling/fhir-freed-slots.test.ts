/**
 * Find Freed Slots on a FHIR server that another system changes (issue 18 part 1): another client cancels an
 * Appointment (Appointment cancelled + Slot free, as FHIR clients do) → the next poll outputs that slot once, in the
 * shape Offer Freed Slot reads; the poll after outputs nothing. Against the in-process FHIR R4 server.
 */
import {
	MemoryWaitlistRepository,
	pollFreedSlots,
	readFreedSlot,
	WaitlistService,
} from '../../../core/waitlist';
import { ZONE, fhirProvider, seedBruno } from './fhir-bruno';
import { startFhirServer, type TestFhirServer } from './fhir-server';

const NOW = Date.parse('2031-03-02T12:00:00Z');
let server: TestFhirServer;

const provider = () => fhirProvider(server, NOW);

beforeAll(async () => {
	server = await startFhirServer();
	await seedBruno(server, '2031-03-03T11:00:00Z', 6);
});

afterAll(async () => await server.close());

it('another client cancels an Appointment → the next poll outputs that slot once, the poll after nothing', async () => {
	const service = new WaitlistService({ repository: new MemoryWaitlistRepository(), clock: () => NOW });
	const list = `fhir:${server.baseUrl}`;
	const ours = provider();
	const poll = async () =>
		await pollFreedSlots(service, list, ours, {
			practitionerId: 'bruno',
			daysAhead: 7,
			limit: 100,
			nowMs: NOW,
		});

	// The other system books one time, then the first poll only records what is free.
	const other = provider();
	const [slot] = await other.findFreeSlots({
		practitionerId: 'bruno',
		limit: 1,
		from: new Date(NOW).toISOString(),
	});
	const booked = await other.book({
		slotId: slot!.slotId,
		patient: { name: 'Maria Silva', phone: '+5511999990000' },
	});
	if (!booked.booked) throw new Error('not booked');
	expect(await poll()).toEqual([]);
	expect(await poll()).toEqual([]);

	const cancelled = await other.cancel({ appointmentId: booked.appointment.id });
	expect(cancelled.cancelled).toBe(true);
	const freed = await poll();
	expect(freed.map((s) => s.slotId)).toEqual([slot!.slotId]);
	expect(readFreedSlot(freed[0], ZONE)).toMatchObject({
		slotId: slot!.slotId,
		practitionerId: 'Practitioner/bruno',
		startMs: Date.parse(slot!.start),
	});
	expect(await poll()).toEqual([]);
});
