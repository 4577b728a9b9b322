/**
 * Appointment Slot Lookup node with a faked IExecuteFunctions: parameter reading, pairing, continueOnFail, the
 * Clinic Store requirement of the built-in backend, the WhatsApp list output and the n8n HTTP adapter (FHIR,
 * Cal.com) including HTTP errors coming back as outcomes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DateTime } from 'luxon';
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { slotLabel } from '../../../core/scheduling/labels';

import { decodeSlotId } from '../../../core/scheduling/slot-id';
import { closeAllClinicStores } from '../../../core/store';
import { AppointmentSlotLookup } from '../../../nodes/AppointmentSlotLookup/AppointmentSlotLookup.node';
import { context } from './node-context';

const dir = mkdtempSync(join(tmpdir(), 'slots-node-'));
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});

// The node runs on the real clock: use a Monday 1–2 weeks ahead.
const MON = DateTime.now().setZone('America/Sao_Paulo').plus({ days: 7 }).startOf('week');
const MONDAY = MON.toISODate()!;
const TUESDAY = MON.plus({ days: 1 }).toISODate()!;
const label = (date: string, time: string, locale: 'pt-BR' | 'es' | 'en' = 'pt-BR') =>
	slotLabel(
		DateTime.fromISO(`${date}T${time}`, { zone: 'America/Sao_Paulo' }).toMillis(),
		'America/Sao_Paulo',
		locale,
	);

const RULES = {
	timeZone: 'America/Sao_Paulo',
	minimumNoticeMinutes: 0,
	bookingHorizonDays: 60,
	openingHours: { mon: [{ start: '08:00', end: '10:00' }], tue: [{ start: '08:00', end: '10:00' }] },
	services: [{ id: 'consulta', name: 'Consulta', durationMinutes: 30 }],
	practitioners: [
		{ id: 'ana', name: 'Dra. Ana Souza' },
		{ id: 'bruno', name: 'Dr. Bruno Lima' },
	],
};

const store = (name: string) => ({
	clinicStoreApi: {
		backend: 'sqlite',
		sqlitePath: join(dir, `${name}.sqlite`),
		phiKey: 'node test passphrase for phi',
		phiKeyId: 'k1',
	},
});
const node = new AppointmentSlotLookup();
const run = async (ctx: IExecuteFunctions) => (await node.execute.call(ctx))[0];

const builtin = (extra: Record<string, unknown>) => ({
	backend: 'builtin',
	rulesSource: 'json',
	rulesJson: JSON.stringify(RULES),
	calendarId: 'main',
	locale: 'pt-BR',
	from: `${MONDAY}T00:00:00`,
	daysAhead: 2,
	maxSlots: 10,
	...extra,
});

describe('Appointment Slot Lookup node (built-in backend)', () => {
	it('describes a tool-usable node with subtitle, icon and the three credentials', () => {
		const d = node.description;
		expect(d.usableAsTool).toBe(true);
		expect(d.subtitle).toContain('Find Free Slots');
		expect(d.credentials?.map((x) => x.name)).toEqual(['clinicStoreApi', 'fhirServerApi', 'calComApi']);
	});

	it('Find Free Slots → one item per slot, each paired with its input item', async () => {
		const items = [{ json: { practitioner: 'ana' } }, { json: { practitioner: 'bruno' } }];
		const out = await run(
			context({
				items,
				credentials: store('find'),
				params: (name, i) =>
					name === 'practitionerId'
						? items[i].json.practitioner
						: builtin({ operation: 'findSlots', maxSlots: 2 })[name as never],
			}),
		);
		expect(
			out.map((o) => [
				o.json.practitioner && (o.json.practitioner as { id: string }).id,
				o.json.label,
				o.pairedItem,
			]),
		).toEqual([
			['ana', label(MONDAY, '08:00'), { item: 0 }],
			['ana', label(MONDAY, '08:15'), { item: 0 }],
			['bruno', label(MONDAY, '08:00'), { item: 1 }],
			['bruno', label(MONDAY, '08:15'), { item: 1 }],
		]);
		expect(out[0].json).toMatchObject({
			startLocal: `${MONDAY}T08:00:00-03:00`,
			timeZone: 'America/Sao_Paulo',
			backend: 'builtin',
		});
		expect(Date.parse(String(out[0].json.start))).toBe(
			DateTime.fromISO(`${MONDAY}T08:00`, { zone: 'America/Sao_Paulo' }).toMillis(),
		);
		expect(items[0].json).toEqual({ practitioner: 'ana' }); // inputs untouched
	});

	it('WhatsApp List output → one item with an interactive list; Book accepts a row id as the Trigger delivers it', async () => {
		const creds = store('list');
		const [listItem] = await run(
			context({
				credentials: creds,
				params: builtin({
					operation: 'findSlots',
					output: 'whatsappList',
					listOptions: { header: 'Clínica Centro' },
				}),
			}),
		);
		const list = listItem.json.whatsappList as {
			type: string;
			header: unknown;
			action: {
				button: string;
				sections: Array<{ title: string; rows: Array<{ id: string; title: string }> }>;
			};
		};
		expect(list.type).toBe('list');
		expect(list.header).toEqual({ type: 'text', text: 'Clínica Centro' });
		expect(list.action.sections.map((s) => s.title)).toEqual([label(MONDAY, '08:00').split(' · ')[0]]);
		expect(list.action.sections[0].rows).toHaveLength(10);
		expect(listItem.json).toMatchObject({ hasSlots: true, slotCount: 10 });

		// The patient picks row 3: the Trigger item carries interactive.listReply.id.
		const rowId = list.action.sections[0].rows[2].id;
		const triggerItem = {
			json: {
				from: '5511999990000',
				interactive: {
					type: 'list_reply',
					listReply: { id: rowId, title: list.action.sections[0].rows[2].title },
				},
			},
		};
		const [booked] = await run(
			context({
				items: [triggerItem],
				credentials: creds,
				params: builtin({
					operation: 'book',
					slotId: rowId,
					patientName: 'Maria Silva',
					patientPhone: '+5511999990000',
				}),
			}),
		);
		expect(booked.json).toMatchObject({
			booked: true,
			appointment: {
				status: 'booked',
				patient: { name: 'Maria Silva', phone: '+5511999990000' },
				slotId: rowId,
			},
		});
		expect(booked.pairedItem).toEqual({ item: 0 });

		// Same row again (second patient tapping the same list): slot_taken with alternatives and a ready list of them.
		const [taken] = await run(
			context({
				credentials: creds,
				params: builtin({
					operation: 'book',
					slotId: rowId,
					patientName: 'João',
					patientPhone: '+5511988887777',
				}),
			}),
		);
		expect(taken.json).toMatchObject({ booked: false, reason: 'slot_taken' });
		expect((taken.json.alternatives as unknown[]).length).toBe(3);
		expect((taken.json.alternativesWhatsappList as { type: string }).type).toBe('list');

		// List Appointments (reminder workflow) returns the patient contact.
		const listed = await run(
			context({
				credentials: creds,
				params: builtin({
					operation: 'listAppointments',
					windowStart: `${MONDAY}T00:00:00`,
					windowEnd: `${TUESDAY}T00:00:00`,
					statuses: ['booked'],
				}),
			}),
		);
		expect(listed.map((x) => (x.json.patient as { phone: string }).phone)).toEqual(['+5511999990000']);
		const appointmentId = String(listed[0].json.id);

		const [status] = await run(
			context({
				credentials: creds,
				params: builtin({ operation: 'updateStatus', appointmentId, status: 'noshow' }),
			}),
		);
		expect(status.json.status).toBe('noshow');
		const [cancelled] = await run(
			context({
				credentials: creds,
				params: builtin({ operation: 'cancel', appointmentId, reason: 'teste' }),
			}),
		);
		expect(cancelled.json).toMatchObject({ cancelled: true });
	});

	it('requires the Clinic Store credential for the built-in backend, with a clear message', async () => {
		await expect(run(context({ params: builtin({ operation: 'findSlots' }) }))).rejects.toMatchObject({
			name: 'NodeOperationError',
			message: 'The built-in scheduler needs a Clinic Store credential',
			description: expect.stringMatching(
				/^Bookings must survive restarts .* Select or create a "Clinic Store" credential on this node\. \(.*clinicStoreApi/,
			),
			context: { itemIndex: 0 },
		});
	});

	it('bad rules JSON → NodeOperationError naming the field; continueOnFail → paired error item', async () => {
		const bad = { ...RULES, openingHours: { mon: [{ start: '08:00', end: '7:00' }] } };
		const params = builtin({ operation: 'findSlots', rulesJson: JSON.stringify(bad) });
		await expect(run(context({ credentials: store('bad'), params }))).rejects.toMatchObject({
			name: 'NodeOperationError',
			message: expect.stringContaining('openingHours.mon[0].end: expected a time as HH:mm'),
			description: 'Field: Clinic Rules → openingHours.mon[0].end',
			context: { itemIndex: 0 },
		});
		const out = await run(
			context({
				credentials: store('bad'),
				params,
				continueOnFail: true,
				items: [{ json: {} }, { json: {} }],
			}),
		);
		expect(out).toHaveLength(2);
		expect(out[1]).toEqual({
			json: {
				error: {
					message: expect.stringContaining('openingHours.mon[0].end: expected a time as HH:mm'),
					description: 'Field: Clinic Rules → openingHours.mon[0].end',
					code: 'invalid_input',
					title: null,
					hint: 'Field: Clinic Rules → openingHours.mon[0].end',
					field: 'openingHours.mon[0].end',
					retryable: null,
				},
			},
			pairedItem: { item: 1 },
		});
	});

	it('a bad parameter names the field as the node shows it; Continue On Fail keeps the good items', async () => {
		const creds = store('params');
		const items = [{ json: {} }, { json: {} }];
		const params = (name: string, i: number) =>
			name === 'slotId'
				? i === 0
					? 'not-a-slot'
					: undefined
				: builtin({ operation: 'book' })[name as never];
		await expect(run(context({ credentials: creds, items, params }))).rejects.toMatchObject({
			name: 'NodeOperationError',
			description: 'Field: Slot ID',
			context: { itemIndex: 0 },
		});
		const out = await run(context({ credentials: creds, items, params, continueOnFail: true }));
		expect(out.map((o) => [(o.json.error as { field: string }).field, o.pairedItem])).toEqual([
			['slotId', { item: 0 }],
			['slotId', { item: 1 }],
		]);
		expect(out[0].json.error).toMatchObject({ description: 'Field: Slot ID', code: 'invalid_input' });
	});

	it('rules from node fields work like JSON rules', async () => {
		const out = await run(
			context({
				credentials: store('fields'),
				params: {
					backend: 'builtin',
					operation: 'findSlots',
					rulesSource: 'fields',
					timeZone: 'America/Sao_Paulo',
					settings: { minimumNoticeMinutes: 0, bookingHorizonDays: 60, slotGranularityMinutes: 30 },
					services: { service: [{ id: 'consulta', name: 'Consulta', durationMinutes: 30 }] },
					practitioners: { practitioner: [{ id: 'ana', name: 'Ana', serviceIds: 'consulta' }] },
					openingHours: { interval: [{ days: ['mon'], start: '08:00', end: '09:00' }] },
					breaks: { break: [{ days: [], start: '08:30', end: '09:00' }] },
					closures: { closure: [{ start: MON.plus({ days: 7 }).toISODate(), reason: 'Feriado' }] },
					from: `${MONDAY}T00:00:00`,
					daysAhead: 14,
					maxSlots: 10,
				},
			}),
		);
		// 08:00–09:00 minus the 08:30 break on a 30-min grid = 08:00 each Monday; the second Monday is closed.
		expect(out.map((o) => o.json.startLocal)).toEqual([`${MONDAY}T08:00:00-03:00`]);
	});
});

describe('Appointment Slot Lookup node (remote backends through httpRequestWithAuthentication)', () => {
	const schedule = {
		resourceType: 'Schedule',
		id: 's1',
		actor: [{ reference: 'Practitioner/ana', display: 'Dra. Ana Souza' }],
	};
	const slot = {
		resourceType: 'Slot',
		id: 'slot-1',
		meta: { versionId: '3' },
		schedule: { reference: 'Schedule/s1' },
		status: 'free',
		start: '2030-01-07T11:00:00Z',
		end: '2030-01-07T11:30:00Z',
	};

	it('FHIR: uses the fhirServerApi credential; a 412 thrown by n8n becomes slot_taken, not a crash', async () => {
		const http = jest.fn(async (_type: string, req: { method: string; url: string }) => {
			const url = new URL(req.url);
			if (req.method === 'GET' && url.pathname.endsWith('/Schedule'))
				return {
					statusCode: 200,
					headers: {},
					body: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: schedule }] },
				};
			if (req.method === 'GET' && url.pathname.endsWith('/Slot'))
				return {
					statusCode: 200,
					headers: {},
					body: {
						resourceType: 'Bundle',
						type: 'searchset',
						entry: [{ resource: slot }, { resource: schedule, search: { mode: 'include' } }],
					},
				};
			if (req.method === 'GET' && url.pathname.endsWith('/Slot/slot-1'))
				return { statusCode: 200, headers: {}, body: slot };
			if (req.method === 'GET' && url.pathname.endsWith('/Schedule/s1'))
				return { statusCode: 200, headers: {}, body: schedule };
			if (req.method === 'POST') {
				// n8n throws NodeApiError for HTTP errors; its cause holds the response.
				throw Object.assign(new Error('Precondition Failed'), {
					httpCode: '412',
					cause: {
						response: {
							status: 412,
							data: { resourceType: 'OperationOutcome', issue: [{ diagnostics: 'version conflict' }] },
						},
					},
				});
			}
			throw new Error(`unexpected ${req.method} ${req.url}`);
		});
		const params = {
			backend: 'fhir',
			clinicTimeZone: 'America/Sao_Paulo',
			locale: 'en',
			from: '2030-01-01T00:00:00Z',
			daysAhead: 30,
			maxSlots: 5,
			fhirPractitionerId: 'ana',
		};
		const credentials = {
			fhirServerApi: { baseUrl: 'https://fhir.example.org/R4/', authType: 'bearer', token: 'x' },
		};
		const found = await run(context({ credentials, http, params: { ...params, operation: 'findSlots' } }));
		expect(found).toHaveLength(1);
		expect(found[0].json).toMatchObject({
			label: 'Mon, 7 Jan · 8:00 AM',
			practitioner: { id: 'Practitioner/ana', name: 'Dra. Ana Souza' },
		});
		expect(http.mock.calls[0][0]).toBe('fhirServerApi');
		expect(http.mock.calls[1][1].url).toMatch(
			/^https:\/\/fhir\.example\.org\/R4\/Slot\?schedule=Schedule%2Fs1&status=free&start=ge/,
		);
		expect(decodeSlotId(String(found[0].json.slotId))).toEqual({ backend: 'fhir', slotResourceId: 'slot-1' });

		const [outcome] = await run(
			context({
				credentials,
				http,
				params: {
					...params,
					operation: 'book',
					slotId: found[0].json.slotId,
					patientName: 'Maria',
					patientPhone: '+5511999990000',
				},
			}),
		);
		expect(outcome.json).toMatchObject({ booked: false, reason: 'slot_taken' });
		const tx = http.mock.calls.find((c) => c[1].method === 'POST')![1] as unknown as {
			body: { type: string; entry: Array<{ request: { method: string; url: string; ifMatch?: string } }> };
		};
		// n8n refreshes an expired OAuth2 token on 401 only when HTTP errors throw inside it.
		expect(http.mock.calls[0][1]).toMatchObject({ returnFullResponse: true, ignoreHttpStatusErrors: false });
		expect(
			(http.mock.calls.find((c) => c[1].method === 'POST')![1] as unknown as { headers: object }).headers,
		).toMatchObject({ Accept: 'application/fhir+json', 'Content-Type': 'application/fhir+json' });
		expect(tx.body.type).toBe('transaction');
		expect(tx.body.entry.map((e) => e.request)).toEqual([
			{ method: 'POST', url: 'Appointment' },
			{ method: 'PUT', url: 'Slot/slot-1', ifMatch: 'W/"3"' },
		]);
	});

	it('Cal.com: uses the calComApi credential and cal-api-version headers; API errors become NodeApiError', async () => {
		const http = jest.fn(
			async (_type: string, req: { method: string; url: string; headers: Record<string, string> }) => {
				if (req.url.startsWith('https://api.cal.com/v2/slots')) {
					return {
						statusCode: 200,
						headers: {},
						body: {
							status: 'success',
							data: {
								'2030-01-07': [
									{ start: '2030-01-07T09:00:00.000-03:00', end: '2030-01-07T09:30:00.000-03:00' },
								],
							},
						},
					};
				}
				throw Object.assign(new Error('Unauthorized'), {
					httpCode: '401',
					cause: {
						response: { status: 401, data: { status: 'error', error: { message: 'Invalid API key' } } },
					},
				});
			},
		);
		const params = {
			backend: 'calcom',
			eventTypeId: 123,
			clinicTimeZone: 'America/Sao_Paulo',
			calPractitionerName: 'Dra. Ana',
			locale: 'es',
			from: '2030-01-07T00:00:00',
			daysAhead: 7,
			maxSlots: 5,
		};
		const credentials = { calComApi: { apiKey: 'cal_x', baseUrl: 'https://api.cal.com' } };
		const [slot] = await run(context({ credentials, http, params: { ...params, operation: 'findSlots' } }));
		expect(slot.json).toMatchObject({
			label: 'lun, 7 ene · 09:00',
			practitioner: { name: 'Dra. Ana' },
			backend: 'calcom',
		});
		expect(http.mock.calls[0][0]).toBe('calComApi');
		expect(http.mock.calls[0][1].headers['cal-api-version']).toBe('2024-09-04');
		await expect(
			run(context({ credentials, http, params: { ...params, operation: 'cancel', appointmentId: 'bk1' } })),
		).rejects.toMatchObject({
			name: 'NodeApiError',
			message: 'Cal.com cancel failed with HTTP 401: Invalid API key',
			httpCode: '401',
			context: { itemIndex: 0 },
		});
		const [failed] = await run(
			context({
				credentials,
				http,
				continueOnFail: true,
				params: { ...params, operation: 'cancel', appointmentId: 'bk1' },
			}),
		);
		expect(failed).toEqual({
			json: {
				error: {
					message: 'Cal.com cancel failed with HTTP 401: Invalid API key',
					description: null,
					code: 'remote_error',
					title: null,
					hint: null,
					field: null,
					retryable: null,
				},
			},
			pairedItem: { item: 0 },
		});
		// A network failure (no response) still rejects and fails the item (n8n words ECONNREFUSED for the user).
		const offline = jest.fn(async () => {
			throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
		});
		await expect(
			run(context({ credentials, http: offline, params: { ...params, operation: 'findSlots' } })),
		).rejects.toMatchObject({
			name: 'NodeOperationError',
			message: 'The service refused the connection - perhaps it is offline',
			context: { itemIndex: 0 },
		});
	});
});

describe('Appointment Slot Lookup node: dropdowns', () => {
	it('lists services and practitioners of the rules typed in the node, or says what to fix', async () => {
		const ctx = (params: Record<string, unknown>) =>
			({ getCurrentNodeParameter: (name: string) => params[name] }) as unknown as ILoadOptionsFunctions;
		const services = await node.methods.loadOptions.getServices.call(
			ctx({ rulesSource: 'json', rulesJson: JSON.stringify(RULES) }),
		);
		expect(services).toEqual([{ name: 'Consulta (30 min)', value: 'consulta', description: 'consulta' }]);
		const practitioners = await node.methods.loadOptions.getPractitioners.call(
			ctx({ rulesSource: 'json', rulesJson: JSON.stringify(RULES) }),
		);
		expect(practitioners.map((p) => p.value)).toEqual(['', 'ana', 'bruno']);
		const broken = await node.methods.loadOptions.getServices.call(
			ctx({ rulesSource: 'json', rulesJson: '{"timeZone": "Mars/Base"}' }),
		);
		expect(broken[0].name).toMatch(/^Fix the clinic rules first: .*timeZone/);
	});
});
