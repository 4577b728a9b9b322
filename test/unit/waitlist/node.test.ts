/**
 * Appointment Slot Lookup, resource Waitlist, on the built-in scheduler and a SQLite Clinic Store: join, a
 * cancellation's output offered as is, two patients tap "Take this time" (the first books, the second is told it
 * was taken, in Brazilian Portuguese), list and leave; errors name the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DateTime } from 'luxon';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { closeAllClinicStores } from '../../../core/store';
import { AppointmentSlotLookup } from '../../../nodes/AppointmentSlotLookup/AppointmentSlotLookup.node';
import { context } from '../scheduling/node-context';

const dir = mkdtempSync(join(tmpdir(), 'waitlist-node-'));
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});

const credentials = {
	clinicStoreApi: {
		backend: 'sqlite',
		sqlitePath: join(dir, 'store.sqlite'),
		phiKey: 'waitlist node test passphrase',
		phiKeyId: 'k1',
	},
};
// The node runs on the real clock: a Monday 1–2 weeks ahead.
const MONDAY = DateTime.now().setZone('America/Sao_Paulo').plus({ days: 7 }).startOf('week').toISODate()!;
const RULES = {
	timeZone: 'America/Sao_Paulo',
	minimumNoticeMinutes: 0,
	bookingHorizonDays: 60,
	openingHours: { mon: [{ start: '08:00', end: '10:00' }] },
	services: [{ id: 'consulta', name: 'Consulta', durationMinutes: 30 }],
	practitioners: [{ id: 'ana', name: 'Dra. Ana Souza' }],
};
const node = new AppointmentSlotLookup();
const BASE: Record<string, unknown> = {
	backend: 'builtin',
	rulesSource: 'json',
	rulesJson: JSON.stringify(RULES),
	calendarId: 'main',
	locale: 'pt-BR',
};
type Params = Record<string, unknown> | ((name: string, i: number) => unknown);
const run = async (params: Params, items?: INodeExecutionData[], continueOnFail = false) =>
	(
		await node.execute.call(
			context({
				credentials,
				items,
				continueOnFail,
				params:
					typeof params === 'function'
						? (name: string, i: number) => params(name, i) ?? BASE[name]
						: { ...BASE, ...params },
			}),
		)
	)[0];
const waitlist = (operation: string, extra: Record<string, unknown> = {}) => ({
	resource: 'waitlist',
	operation,
	...extra,
});

it('cancel → Offer Freed Slot → two taps: one booking, one "taken"; list and leave', async () => {
	for (const [name, phone] of [
		['Bruna Alves', '+55 11 90000-0001'],
		['Caio Dias', '+5511900000002'],
	]) {
		const [joined] = await run(
			waitlist('joinWaitlist', {
				waitlistPatientName: name,
				waitlistPatientPhone: phone,
				waitlistPractitionerId: 'ana',
				waitlistTimesOfDay: ['morning'],
			}),
		);
		expect(joined.json).toMatchObject({
			joined: true,
			updated: false,
			status: 'waiting',
			timesOfDay: ['morning'],
			replyText: 'Pronto! Você está na lista de espera: avisaremos aqui assim que abrir um horário antes.',
		});
	}
	// Someone else's appointment at 08:00 is cancelled.
	const [slot] = await run({
		operation: 'findSlots',
		serviceId: 'consulta',
		from: `${MONDAY}T08:00`,
		daysAhead: 1,
		maxSlots: 1,
	});
	const [booked] = await run({
		operation: 'book',
		slotId: slot.json.slotId,
		patientName: 'Diana Reis',
		patientPhone: '5511900000009',
	});
	const appointmentId = (booked.json.appointment as IDataObject).id;
	const cancelled = await run({ operation: 'cancel', appointmentId, reason: 'paciente desmarcou' });
	const offers = await run(
		waitlist('offerFreedSlot', { freedSlot: cancelled[0].json, waveSize: 3, offerWindowMinutes: 30 }),
		cancelled,
	);
	expect(offers.map((o) => (o.json.patient as IDataObject).phone)).toEqual([
		'5511900000001',
		'5511900000002',
	]);
	expect(offers[0].json).toMatchObject({
		claimPayload: expect.stringMatching(/^WAITLIST_CLAIM:wo_/),
		firstName: 'Bruna',
		wave: 1,
		slot: {
			slotId: slot.json.slotId,
			label: slot.json.label,
			practitioner: { id: 'ana', name: 'Dra. Ana Souza' },
		},
	});
	expect(offers[0].pairedItem).toEqual({ item: 0 });

	// Both tap, the second-offered patient first; the trigger items carry the payload and the sender.
	const taps = [offers[1], offers[0]].map((o) => ({
		json: {
			button: { payload: String(o.json.claimPayload) },
			from: String((o.json.patient as IDataObject).phone),
		},
	}));
	const answers = await run((name, i) => {
		if (name === 'resource') return 'waitlist';
		if (name === 'operation') return 'claimOffer';
		if (name === 'offerId') return taps[i].json.button.payload;
		if (name === 'claimPatientPhone') return taps[i].json.from;
		return undefined;
	}, taps);
	expect(answers.map((a) => [a.json.claimed, a.json.reason ?? null])).toEqual([
		[true, null],
		[false, 'taken'],
	]);
	expect(String(answers[0].json.replyText)).toMatch(
		/^Pronto! Sua consulta está marcada para seg\., .* · 08:00 com Dra\. Ana Souza/,
	);
	expect(answers[1].json.replyText).toMatch(/^Que pena: outro paciente confirmou esse horário primeiro/);
	expect(answers[1].json.entry).toMatchObject({ status: 'waiting' });

	const listed = await run(waitlist('listWaitlist', { waitlistStatuses: [] }));
	expect(listed.map((l) => [(l.json.patient as IDataObject).name, l.json.status])).toEqual([
		['Bruna Alves', 'waiting'],
		['Caio Dias', 'booked'],
	]);
	const [left] = await run(waitlist('leaveWaitlist', { waitlistPatientPhone: '5511900000001' }));
	expect(left.json).toMatchObject({ left: 1 });
});

it('errors name the field; Continue On Fail gives the one error item', async () => {
	const [failed] = await run(
		waitlist('joinWaitlist', { waitlistPatientName: 'Sem Número' }),
		undefined,
		true,
	);
	expect(failed.json.error).toMatchObject({
		field: 'Patient Phone',
		hint: expect.stringContaining('{{ $json.from }}'),
	});
	await expect(
		run(
			waitlist('offerFreedSlot', {
				freedSlot: { start: '2030-01-01T10:00:00Z' },
				waveSize: 3,
				offerWindowMinutes: 30,
			}),
		),
	).rejects.toMatchObject({ message: 'The freed slot has no slotId' });
	const nothing = await run(
		waitlist('offerFreedSlot', { freedSlot: { cancelled: false }, waveSize: 3, offerWindowMinutes: 30 }),
	);
	expect(nothing).toEqual([]);
});

it('describes the Waitlist resource with five operations and the Clinic Store credential offered for every backend', () => {
	const d = node.description;
	const ops = d.properties.find(
		(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.[0] === 'waitlist',
	);
	expect(ops?.options?.map((o) => (o as { value: string }).value)).toEqual([
		'claimOffer',
		'findFreedSlots',
		'joinWaitlist',
		'leaveWaitlist',
		'listWaitlist',
		'offerFreedSlot',
	]);
	expect(d.credentials?.find((c) => c.name === 'clinicStoreApi')).toEqual({
		name: 'clinicStoreApi',
		required: false,
		testedBy: 'clinicStoreConnectionTest',
	});
});

it('Find Freed Slots: first run records, a cancel made elsewhere comes out once, as Offer Freed Slot reads it', async () => {
	const find = waitlist('findFreedSlots', {
		waitlistPractitionerId: 'ana',
		waitlistServiceId: 'consulta',
		watchDaysAhead: 21,
		watchMaxSlots: 500,
	});
	expect(await run(find)).toEqual([]);
	const [slot] = await run({
		operation: 'findSlots',
		serviceId: 'consulta',
		from: `${MONDAY}T09:30`,
		daysAhead: 1,
		maxSlots: 1,
	});
	const [booked] = await run({
		operation: 'book',
		slotId: slot.json.slotId,
		patientName: 'Elisa Prado',
		patientPhone: '5511900000010',
	});
	expect(await run(find)).toEqual([]);
	await run({ operation: 'cancel', appointmentId: (booked.json.appointment as IDataObject).id });
	const freed = await run(find);
	expect(freed.map((f) => f.json.slotId)).toContain(slot.json.slotId);
	expect(freed[0].json).toMatchObject({ backend: 'builtin', freed: true, practitioner: { id: 'ana' } });
	expect(await run(find)).toEqual([]);
});
