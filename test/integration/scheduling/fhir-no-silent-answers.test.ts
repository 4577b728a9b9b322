/**
 * Issue 18 part 3: the FHIR backend never answers silently. Each case runs against the in-process FHIR R4 server
 * (fhir-server.ts) set up to behave like the servers a clinic meets:
 * - an unknown practitioner / Schedule is an input error naming the field, not an empty (fully booked) list;
 * - a Slot without its own serviceType takes its Schedule's (R4), so filtering by the Schedule's code finds it;
 * - List Appointments by patient (reference, or phone on the Appointment's Patient);
 * - a server that reports `total` but sends no `next` link is paged on with `_offset`, and when it cannot be, the
 *   answer carries a warning with the number of results not read.
 */
import { FhirSchedulingProvider } from '../../../core/scheduling/providers/fhir';
import type { SchedulingWarning } from '../../../core/scheduling/types';
import { send } from './fetch-sender';
import { startFhirServer, type TestFhirServer } from './fhir-server';

const NOW = Date.parse('2031-03-02T12:00:00Z');
let server: TestFhirServer;

async function create(resource: Record<string, unknown>) {
	return (await server.repo.createResource(resource as never)) as unknown as { id: string };
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

const code = (c: string) => [{ coding: [{ system: 'http://clinic.example/service', code: c, display: c }] }];

/** Free 30-minute slots from `first` on, without their own serviceType unless given. */
async function slots(
	scheduleId: string,
	count: number,
	serviceType?: string,
	first = '2031-03-03T11:00:00Z',
) {
	for (let i = 0; i < count; i++) {
		const start = new Date(Date.parse(first) + i * 30 * 60000);
		await create({
			resourceType: 'Slot',
			schedule: { reference: `Schedule/${scheduleId}` },
			status: 'free',
			start: start.toISOString(),
			end: new Date(start.getTime() + 30 * 60000).toISOString(),
			...(serviceType ? { serviceType: code(serviceType) } : {}),
		});
	}
}

let brunoSchedule: string;

beforeAll(async () => {
	server = await startFhirServer();
	await create({ resourceType: 'Practitioner', id: 'bruno', name: [{ text: 'Dr. Bruno Lima' }] });
	await create({ resourceType: 'Practitioner', id: 'carla', name: [{ text: 'Dra. Carla (no schedule)' }] });
	await create({ resourceType: 'Practitioner', id: 'dani', name: [{ text: 'Dra. Dani (inactive)' }] });
	// Bruno's Schedule offers "retorno"; 12 of its Slots say nothing of their own, 2 are "exame" (they override).
	brunoSchedule = (
		await create({
			resourceType: 'Schedule',
			active: true,
			actor: [{ reference: 'Practitioner/bruno', display: 'Dr. Bruno Lima' }],
			serviceType: code('retorno'),
		})
	).id;
	await slots(brunoSchedule, 12);
	await slots(brunoSchedule, 2, 'exame', '2031-03-03T18:00:00Z');
	// Eva: 12 slots on another day, for the paging cases.
	await create({ resourceType: 'Practitioner', id: 'eva', name: [{ text: 'Dra. Eva' }] });
	const eva = await create({
		resourceType: 'Schedule',
		active: true,
		actor: [{ reference: 'Practitioner/eva' }],
	});
	await slots(eva.id, 12, 'consulta', '2031-03-05T11:00:00Z');
	await create({
		resourceType: 'Schedule',
		active: false,
		actor: [{ reference: 'Practitioner/dani' }],
	});
});

afterAll(async () => await server.close());

afterEach(() => {
	server.paging = 'links';
});

describe('unknown practitioner or Schedule: an input error naming the field, not an empty list', () => {
	it('a Practitioner id without any Schedule', async () => {
		const error = await provider()
			.findFreeSlots({ practitionerId: 'carla' })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({
			name: 'SchedulingInputError',
			field: 'practitionerId',
			message: 'There is no Schedule for Practitioner/carla on the FHIR server',
			hint: expect.stringContaining('Practitioner ID'),
		});
		await expect(provider().findFreeSlots({ practitionerId: 'nobody-at-all' })).rejects.toMatchObject({
			message: 'There is no Schedule for Practitioner/nobody-at-all on the FHIR server',
		});
	});

	it('a practitioner whose only Schedule is inactive', async () => {
		await expect(provider().findFreeSlots({ practitionerId: 'dani' })).rejects.toMatchObject({
			field: 'practitionerId',
			message: expect.stringMatching(/Every Schedule for Practitioner\/dani .* is inactive/),
		});
	});

	it('an unknown Schedule ID', async () => {
		await expect(provider().findFreeSlots({ scheduleId: 'no-such-schedule' })).rejects.toMatchObject({
			name: 'SchedulingInputError',
			field: 'scheduleId',
			message: 'There is no Schedule/no-such-schedule on the FHIR server',
		});
	});

	it('a known practitioner with every slot taken is still an empty list (fully booked is not an error)', async () => {
		expect(
			await provider().findFreeSlots({
				practitionerId: 'bruno',
				from: '2031-03-10T00:00:00Z',
				to: '2031-03-11T00:00:00Z',
			}),
		).toEqual([]);
	});
});

describe('Service Type: a Slot without its own serviceType takes its Schedule’s (FHIR R4)', () => {
	it('finds the Schedule’s slots by its service code, with and without a practitioner', async () => {
		for (const query of [{ practitionerId: 'bruno' }, { scheduleId: brunoSchedule }, {}]) {
			const found = await provider().findFreeSlots({ ...query, serviceId: 'retorno', limit: 50 });
			expect(found).toHaveLength(12);
			expect(found[0]).toMatchObject({
				practitioner: { id: 'Practitioner/bruno' },
				service: { id: 'retorno' },
				startLocal: '2031-03-03T08:00:00-03:00',
			});
		}
	});

	it('a Slot’s own serviceType overrides the Schedule’s', async () => {
		const exams = await provider().findFreeSlots({ practitionerId: 'bruno', serviceId: 'exame' });
		expect(exams.map((s) => s.service?.id)).toEqual(['exame', 'exame']);
		const retorno = await provider().findFreeSlots({
			practitionerId: 'bruno',
			serviceId: 'retorno',
			limit: 50,
		});
		expect(retorno.some((s) => s.start >= '2031-03-03T18:00')).toBe(false);
	});

	it('accepts the system|code token form', async () => {
		const found = await provider().findFreeSlots({
			practitionerId: 'bruno',
			serviceId: 'http://clinic.example/service|retorno',
			limit: 3,
		});
		expect(found).toHaveLength(3);
	});
});

describe('List Appointments by patient', () => {
	it('by FHIR Patient reference (patient=) and by phone on the Appointment’s Patient', async () => {
		await create({ resourceType: 'Patient', id: 'maria', name: [{ text: 'Maria Souza' }] });
		const p = provider();
		const free = await p.findFreeSlots({ practitionerId: 'bruno', serviceId: 'retorno', limit: 3 });
		for (const [slot, patient] of [
			[free[0], { reference: 'Patient/maria', name: 'Maria Souza' }],
			[free[1], { name: 'João Pedro', phone: '+5511988887777' }],
			[free[2], { name: 'Ana Clara', phone: '+5511977776666' }],
		] as const) {
			expect((await p.book({ slotId: slot.slotId, patient })).booked).toBe(true);
		}
		const window = { from: '2031-03-03', to: '2031-03-04' };
		server.requests.length = 0;
		const maria = await p.listAppointments({ ...window, patient: { reference: 'maria' } });
		expect(maria.map((a) => a.patient.name)).toEqual(['Maria Souza']);
		expect(server.requests.some((r) => r.includes('patient=Patient%2Fmaria'))).toBe(true);
		const joao = await p.listAppointments({ ...window, patient: { phone: '55 11 98888-7777' } });
		expect(joao.map((a) => a.patient.name)).toEqual(['João Pedro']);
		expect(await p.listAppointments({ ...window, patient: { phone: '+5511900000000' } })).toEqual([]);
		expect(await p.listAppointments(window)).toHaveLength(3);
	});
});

describe('Paging: total greater than what was sent and no next link', () => {
	const query = { practitionerId: 'eva', limit: 50 };

	it('continues with _offset/_count when the server supports it', async () => {
		server.paging = 'total-only';
		server.requests.length = 0;
		const warnings: SchedulingWarning[] = [];
		const found = await provider({ pageSize: 5 }).findFreeSlots({
			...query,
			onWarning: (w) => warnings.push(w),
		});
		expect(found).toHaveLength(12);
		expect(warnings).toEqual([]);
		expect(server.requests.filter((r) => /^GET Slot\?.*_offset=(5|10)/.test(r))).toHaveLength(2);
	});

	it.each(['ignore-offset', 'reject-offset'] as const)(
		'a server that cannot page (%s): a warning says how many were not read',
		async (behaviour) => {
			server.paging = behaviour;
			const warnings: SchedulingWarning[] = [];
			const found = await provider({ pageSize: 5 }).findFreeSlots({
				...query,
				onWarning: (w) => warnings.push(w),
			});
			expect(found).toHaveLength(5);
			expect(warnings).toEqual([
				{
					code: 'results_truncated',
					unread: 7,
					message: expect.stringMatching(
						/^7 of 12 Slot results were not read: the FHIR server sent 5 without a "next" link and does not page with _offset/,
					),
				},
			]);
		},
	);

	it('List Appointments warns the same way', async () => {
		server.paging = 'ignore-offset';
		const warnings: SchedulingWarning[] = [];
		const list = await provider({ pageSize: 2 }).listAppointments({
			from: '2031-03-03',
			to: '2031-03-04',
			onWarning: (w) => warnings.push(w),
		});
		expect(list).toHaveLength(2);
		expect(warnings).toMatchObject([
			{ unread: 1, message: expect.stringMatching(/^1 of 3 Appointment results/) },
		]);
	});

	it('the page cap no longer cuts silently either', async () => {
		const warnings: SchedulingWarning[] = [];
		const found = await provider({ pageSize: 5, maxPages: 2 }).findFreeSlots({
			...query,
			onWarning: (w) => warnings.push(w),
		});
		expect(found).toHaveLength(10);
		expect(warnings).toMatchObject([{ unread: 2, message: expect.stringMatching(/stopped after 2 pages/) }]);
	});
});
