/**
 * Cal.com API v2 backend with nock, on the documented request/response shapes
 * (slots 2024-09-04, bookings 2024-08-13; see shared reference healthcare-standards.md).
 */
import nock from 'nock';

import { CalcomSchedulingProvider } from '../../../core/scheduling/providers/calcom';
import { decodeSlotId } from '../../../core/scheduling/slot-id';
import { send } from './fetch-sender';

const API = 'https://api.cal.com';
const NOW = Date.parse('2030-01-06T12:00:00Z');

function provider() {
	return new CalcomSchedulingProvider({
		send,
		eventTypeId: 123,
		timeZone: 'America/Sao_Paulo',
		practitionerName: 'Dra. Ana Souza',
		serviceName: 'Consulta',
		clock: () => NOW,
	});
}

const slotsBody = {
	status: 'success',
	data: {
		'2030-01-08': [
			{ start: '2030-01-08T09:00:00.000-03:00', end: '2030-01-08T09:30:00.000-03:00' },
			{ start: '2030-01-08T09:30:00.000-03:00', end: '2030-01-08T10:00:00.000-03:00' },
		],
		'2030-01-07': [{ start: '2030-01-07T14:00:00.000-03:00', end: '2030-01-07T14:30:00.000-03:00' }],
	},
};

function booking(overrides: Record<string, unknown> = {}) {
	return {
		id: 991,
		uid: 'bk_9f2KpL',
		title: 'Consulta between Dra. Ana Souza and Maria Silva',
		status: 'accepted',
		start: '2030-01-07T17:00:00.000Z',
		end: '2030-01-07T17:30:00.000Z',
		duration: 30,
		eventTypeId: 123,
		attendees: [
			{
				name: 'Maria Silva',
				email: 'maria@example.com',
				phoneNumber: '+5511999990000',
				timeZone: 'America/Sao_Paulo',
				language: 'pt-BR',
				absent: false,
			},
		],
		hosts: [
			{
				id: 7,
				name: 'Dra. Ana Souza',
				email: 'ana@clinica.example',
				username: 'ana',
				timeZone: 'America/Sao_Paulo',
			},
		],
		location: 'Clínica Centro',
		createdAt: '2030-01-06T12:00:00.000Z',
		bookingFieldsResponses: { notes: 'primeira consulta' },
		...overrides,
	};
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Cal.com API v2 backend (nock)', () => {
	it('GET /v2/slots with cal-api-version 2024-09-04, clinic time zone; sorted slots with labels and ids', async () => {
		const scope = nock(API, { reqheaders: { 'cal-api-version': '2024-09-04' } })
			.get('/v2/slots')
			.query({
				eventTypeId: '123',
				start: '2030-01-06T12:00:00.000Z',
				end: '2030-01-13T12:00:00.000Z',
				timeZone: 'America/Sao_Paulo',
				format: 'range',
			})
			.reply(200, slotsBody);
		const slots = await provider().findFreeSlots({ to: '2030-01-13T12:00:00Z' });
		scope.done();
		expect(slots.map((s) => [s.startLocal, s.label])).toEqual([
			['2030-01-07T14:00:00-03:00', 'seg., 7 jan · 14:00'],
			['2030-01-08T09:00:00-03:00', 'ter., 8 jan · 09:00'],
			['2030-01-08T09:30:00-03:00', 'ter., 8 jan · 09:30'],
		]);
		expect(slots[0]).toMatchObject({
			start: '2030-01-07T17:00:00.000Z',
			end: '2030-01-07T17:30:00.000Z',
			practitioner: { name: 'Dra. Ana Souza' },
			service: { id: '123', name: 'Consulta', durationMinutes: 30 },
		});
		expect(decodeSlotId(slots[0].slotId)).toEqual({
			backend: 'calcom',
			eventTypeId: 123,
			startMs: Date.parse('2030-01-07T17:00:00Z'),
			durationMinutes: 30,
		});
	});

	it('POST /v2/bookings with cal-api-version 2024-08-13 and the attendee (name, phone, email, time zone)', async () => {
		nock(API).get('/v2/slots').query(true).reply(200, slotsBody);
		const [slot] = await provider().findFreeSlots({ limit: 1 });
		let sent: any;
		const scope = nock(API, { reqheaders: { 'cal-api-version': '2024-08-13' } })
			.post('/v2/bookings', (body) => ((sent = body), true))
			.reply(201, { status: 'success', data: booking() });
		const outcome = await provider().book({
			slotId: slot.slotId,
			patient: { name: 'Maria Silva', phone: '+5511999990000', email: 'maria@example.com' },
			notes: 'primeira consulta',
		});
		scope.done();
		expect(sent).toEqual({
			start: '2030-01-07T17:00:00.000Z',
			eventTypeId: 123,
			lengthInMinutes: 30,
			attendee: {
				name: 'Maria Silva',
				email: 'maria@example.com',
				phoneNumber: '+5511999990000',
				timeZone: 'America/Sao_Paulo',
				language: 'pt-BR',
			},
			bookingFieldsResponses: { notes: 'primeira consulta' },
		});
		expect(outcome).toMatchObject({
			booked: true,
			appointment: {
				id: 'bk_9f2KpL',
				backend: 'calcom',
				status: 'booked',
				startLocal: '2030-01-07T14:00:00-03:00',
				patient: { name: 'Maria Silva', phone: '+5511999990000', email: 'maria@example.com' },
				practitioner: { id: '7', name: 'Dra. Ana Souza' },
				notes: 'primeira consulta',
			},
		});
	});

	it('two concurrent bookings of one slot: Cal.com accepts one, refuses the other → slot_taken + alternatives', async () => {
		nock(API).get('/v2/slots').query(true).reply(200, slotsBody);
		const [slot] = await provider().findFreeSlots({ limit: 1 });
		nock(API).post('/v2/bookings').reply(201, { status: 'success', data: booking() });
		nock(API)
			.post('/v2/bookings')
			.reply(400, {
				status: 'error',
				error: {
					code: 'BadRequestException',
					message: 'User either already has booking at this time or is not available',
				},
			});
		nock(API)
			.get('/v2/slots')
			.query((q) => q.start === '2030-01-07T17:01:00.000Z')
			.reply(200, { status: 'success', data: { '2030-01-08': slotsBody.data['2030-01-08'] } });
		const results = await Promise.all([
			provider().book({ slotId: slot.slotId, patient: { name: 'Maria', phone: '+5511999990000' } }),
			provider().book({ slotId: slot.slotId, patient: { name: 'João', phone: '+5511988887777' } }),
		]);
		expect(results.filter((r) => r.booked)).toHaveLength(1);
		const loser = results.find((r) => !r.booked);
		expect(loser).toMatchObject({ booked: false, reason: 'slot_taken' });
		if (loser && !loser.booked)
			expect(loser.alternatives.map((a) => a.startLocal.slice(11, 16))).toEqual(['09:00', '09:30']);
	});

	it('cancel, reschedule, list (with patient contact) and status updates', async () => {
		const p = provider();
		let cancelBody: any;
		nock(API)
			.post('/v2/bookings/bk_9f2KpL/cancel', (b) => ((cancelBody = b), true))
			.reply(200, { status: 'success', data: booking({ status: 'cancelled' }) });
		expect(await p.cancel({ appointmentId: 'bk_9f2KpL', reason: 'paciente desmarcou' })).toMatchObject({
			cancelled: true,
			appointment: { status: 'cancelled' },
		});
		expect(cancelBody).toEqual({ cancellationReason: 'paciente desmarcou' });
		nock(API)
			.post('/v2/bookings/missing/cancel')
			.reply(404, { status: 'error', error: { message: 'Booking not found' } });
		expect(await p.cancel({ appointmentId: 'missing' })).toMatchObject({
			cancelled: false,
			reason: 'not_found',
		});

		const newSlot = (
			await (async () => {
				nock(API).get('/v2/slots').query(true).reply(200, slotsBody);
				return await p.findFreeSlots({});
			})()
		)[1];
		nock(API).get('/v2/bookings/bk_9f2KpL').reply(200, { status: 'success', data: booking() });
		let rescheduleBody: any;
		nock(API)
			.post('/v2/bookings/bk_9f2KpL/reschedule', (b) => ((rescheduleBody = b), true))
			.reply(201, {
				status: 'success',
				data: booking({ uid: 'bk_new', start: '2030-01-08T12:00:00.000Z', end: '2030-01-08T12:30:00.000Z' }),
			});
		const moved = await p.reschedule({ appointmentId: 'bk_9f2KpL', newSlotId: newSlot.slotId });
		expect(rescheduleBody).toEqual({ start: '2030-01-08T12:00:00.000Z' });
		expect(moved).toMatchObject({
			rescheduled: true,
			appointment: { id: 'bk_new', startLocal: '2030-01-08T09:00:00-03:00' },
			previous: { start: '2030-01-07T17:00:00.000Z', slotId: expect.stringMatching(/^sl1~c~123~/) },
		});

		nock(API)
			.get('/v2/bookings')
			.query({
				eventTypeId: '123',
				afterStart: '2030-01-07T03:00:00.000Z',
				beforeEnd: '2030-01-09T03:00:00.000Z',
				sortStart: 'asc',
				take: '100',
				skip: '0',
			})
			.reply(200, {
				status: 'success',
				data: [
					booking({ uid: 'b2', start: '2030-01-08T12:00:00.000Z', end: '2030-01-08T12:30:00.000Z' }),
					booking({ uid: 'b1', attendees: [{ name: 'Zeca', phoneNumber: '+5511977776666', absent: true }] }),
				],
				pagination: { hasNextPage: true },
			})
			.get('/v2/bookings')
			.query((q) => q.skip === '100')
			.reply(200, {
				status: 'success',
				data: [
					booking({
						uid: 'b3',
						status: 'cancelled',
						start: '2030-01-08T15:00:00.000Z',
						end: '2030-01-08T15:30:00.000Z',
					}),
				],
				pagination: { hasNextPage: false },
			});
		const list = await p.listAppointments({ from: '2030-01-07', to: '2030-01-09' });
		expect(list.map((a) => [a.id, a.status, a.patient.phone])).toEqual([
			['b1', 'noshow', '+5511977776666'],
			['b2', 'booked', '+5511999990000'],
			['b3', 'cancelled', '+5511999990000'],
		]);

		nock(API)
			.post('/v2/bookings/b2/confirm')
			.reply(200, { status: 'success', data: booking({ uid: 'b2' }) });
		expect((await p.updateStatus({ appointmentId: 'b2', status: 'booked' })).status).toBe('booked');
		let absentBody: any;
		nock(API)
			.get('/v2/bookings/b2')
			.reply(200, { status: 'success', data: booking({ uid: 'b2' }) });
		nock(API)
			.post('/v2/bookings/b2/mark-absent', (b) => ((absentBody = b), true))
			.reply(200, {
				status: 'success',
				data: booking({
					uid: 'b2',
					attendees: [{ name: 'Maria Silva', email: 'maria@example.com', absent: true }],
				}),
			});
		expect((await p.updateStatus({ appointmentId: 'b2', status: 'noshow' })).status).toBe('noshow');
		expect(absentBody).toEqual({ attendees: [{ email: 'maria@example.com', absent: true }] });
		await expect(p.updateStatus({ appointmentId: 'b2', status: 'arrived' })).rejects.toMatchObject({
			field: 'status',
		});
	});

	it('lists one patient’s bookings by attendee email; by phone is a clear error naming the limitation', async () => {
		const p = provider();
		nock(API)
			.get('/v2/bookings')
			.query((q) => q.attendeeEmail === 'maria@example.com' && q.eventTypeId === '123')
			.reply(200, { status: 'success', data: [booking({ uid: 'b7' })], pagination: { hasNextPage: false } });
		const mine = await p.listAppointments({
			from: '2030-01-07',
			to: '2030-01-09',
			patient: { email: 'maria@example.com', phone: '+5511999990000' },
		});
		expect(mine.map((a) => a.id)).toEqual(['b7']);
		await expect(
			p.listAppointments({ from: '2030-01-07', to: '2030-01-09', patient: { phone: '+5511999990000' } }),
		).rejects.toMatchObject({
			name: 'SchedulingInputError',
			field: 'patientEmail',
			message: expect.stringMatching(/Cal.com cannot list bookings by phone number/),
		});
	});

	it('refuses slot ids of another event type or backend, and surfaces API errors', async () => {
		const other = new CalcomSchedulingProvider({ send, eventTypeId: 999, timeZone: 'UTC', clock: () => NOW });
		nock(API).get('/v2/slots').query(true).reply(200, slotsBody);
		const [slot] = await provider().findFreeSlots({ limit: 1 });
		await expect(
			other.book({ slotId: slot.slotId, patient: { name: 'X', phone: '+1' } }),
		).rejects.toMatchObject({ field: 'slotId' });
		nock(API)
			.get('/v2/slots')
			.query(true)
			.reply(401, { status: 'error', error: { code: 'Unauthorized', message: 'Invalid API key' } });
		await expect(provider().findFreeSlots({})).rejects.toMatchObject({
			name: 'SchedulingRemoteError',
			httpStatus: 401,
			message: expect.stringMatching(/Invalid API key/),
		});
	});
});
