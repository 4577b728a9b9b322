/** Reading the freed slot from what a workflow has: Cancel / Reschedule outputs, an appointment, a free slot. */
import { encodeSlotId } from '../../../core/scheduling/slot-id';
import { readFreedSlot, timeOfDay } from '../../../core/waitlist';

const ZONE = 'America/Sao_Paulo';
const slotId = encodeSlotId({
	backend: 'builtin',
	practitionerId: 'ana',
	serviceId: 'consulta',
	startMs: Date.parse('2030-01-07T12:00:00Z'),
});
const appointment = {
	id: 'apt_1',
	status: 'cancelled',
	start: '2030-01-07T12:00:00.000Z',
	end: '2030-01-07T12:30:00.000Z',
	timeZone: ZONE,
	label: 'seg., 7 jan · 09:00',
	practitioner: { id: 'ana', name: 'Dra. Ana Souza' },
	service: { id: 'consulta', name: 'Consulta' },
	patient: { name: 'Carla', phone: '+5511911112222' },
	slotId,
};

describe('readFreedSlot', () => {
	it('a Cancel output: the appointment’s time, practitioner, service and who freed it', () => {
		expect(readFreedSlot({ cancelled: true, appointment }, 'UTC')).toEqual({
			slotId,
			startMs: Date.parse('2030-01-07T12:00:00Z'),
			endMs: Date.parse('2030-01-07T12:30:00Z'),
			practitionerId: 'ana',
			serviceId: 'consulta',
			timeZone: ZONE,
			label: 'seg., 7 jan · 09:00',
			practitionerName: 'Dra. Ana Souza',
			serviceName: 'Consulta',
			freedBy: { phone: '+5511911112222', userId: undefined },
		});
		expect(readFreedSlot(JSON.stringify({ cancelled: true, appointment }), 'UTC')?.slotId).toBe(slotId);
	});

	it('a Reschedule output frees the previous time; nothing freed when nothing was cancelled', () => {
		const oldId = encodeSlotId({ backend: 'fhir', slotResourceId: 'old-1' });
		const freed = readFreedSlot(
			{
				rescheduled: true,
				appointment: { ...appointment, start: '2030-01-09T12:00:00.000Z', slotId: 'sl1~new' },
				previous: { start: '2030-01-07T12:00:00.000Z', end: '2030-01-07T12:30:00.000Z', slotId: oldId },
			},
			'UTC',
		);
		expect(freed).toMatchObject({
			slotId: oldId,
			startMs: Date.parse('2030-01-07T12:00:00Z'),
			practitionerId: 'ana',
		});
		expect(freed?.label).toBeUndefined(); // the appointment's label is its new time
		expect(readFreedSlot({ cancelled: false, reason: 'not_found' }, ZONE)).toBeNull();
		expect(readFreedSlot({ rescheduled: false, reason: 'slot_taken' }, ZONE)).toBeNull();
	});

	it('a Find Free Slots item (staff offering a time); built-in ids give practitioner and service', () => {
		expect(
			readFreedSlot({ slotId, start: '2030-01-07T12:00:00.000Z', end: '2030-01-07T12:30:00.000Z' }, ZONE),
		).toMatchObject({ practitionerId: 'ana', serviceId: 'consulta', timeZone: ZONE });
	});

	it('names the field when the item is not a slot', () => {
		expect(() => readFreedSlot({ start: '2030-01-07T12:00:00Z' }, ZONE)).toThrow(
			expect.objectContaining({ field: 'Freed Slot', message: 'The freed slot has no slotId' }),
		);
		expect(() => readFreedSlot({ slotId, start: 'tomorrow' }, ZONE)).toThrow(/no valid start/);
		expect(() => readFreedSlot('not json', ZONE)).toThrow(/not a JSON object/);
	});
});

it('timeOfDay: morning before 12:00, afternoon until 18:00, evening after (clinic time)', () => {
	const local = (h: number) => Date.parse(`2030-01-07T${String(h + 3).padStart(2, '0')}:00:00Z`);
	expect([8, 11, 12, 17, 18, 20].map((h) => timeOfDay(local(h), ZONE))).toEqual([
		'morning',
		'morning',
		'afternoon',
		'afternoon',
		'evening',
		'evening',
	]);
});
