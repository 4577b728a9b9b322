import { dayLabel, normalizeLocale, slotLabel } from '../../../core/scheduling/labels';
import { parseClinicRules } from '../../../core/scheduling/rules';
import {
	decodeSlotId,
	decodeSlotIdFor,
	encodeSlotId,
	SLOT_ID_MAX_LENGTH,
} from '../../../core/scheduling/slot-id';
import { SchedulingInputError } from '../../../core/scheduling/types';
import { at, clinicRules } from './helpers';

const base = {
	timeZone: 'America/Sao_Paulo',
	openingHours: { mon: [{ start: '08:00', end: '12:00' }] },
	services: [{ id: 'consulta', name: 'Consulta', durationMinutes: 30 }],
	practitioners: [{ id: 'ana', name: 'Ana' }],
};

function errorOf(input: unknown): SchedulingInputError {
	try {
		parseClinicRules(input);
	} catch (error) {
		return error as SchedulingInputError;
	}
	throw new Error('expected parseClinicRules to throw');
}

describe('clinic rules schema', () => {
	it('applies defaults', () => {
		const rules = parseClinicRules(base);
		expect(rules).toMatchObject({
			slotGranularityMinutes: 15,
			bufferBeforeMinutes: 0,
			bufferAfterMinutes: 0,
			minimumNoticeMinutes: 60,
			bookingHorizonDays: 60,
			breaks: [],
			closures: [],
		});
	});

	it.each([
		[{ ...base, timeZone: 'Brasil/SaoPaulo' }, 'timeZone', /IANA time zone/],
		[
			{ ...base, openingHours: { mon: [{ start: '8:00', end: '12:00' }] } },
			'openingHours.mon[0].start',
			/HH:mm/,
		],
		[
			{ ...base, openingHours: { mon: [{ start: '12:00', end: '08:00' }] } },
			'openingHours.mon[0].end',
			/later than start/,
		],
		[
			{
				...base,
				openingHours: {
					mon: [
						{ start: '08:00', end: '12:00' },
						{ start: '11:00', end: '13:00' },
					],
				},
			},
			'openingHours.mon[1].start',
			/overlaps 08:00–12:00/,
		],
		[{ ...base, openingHours: { monday: [] } }, 'openingHours', /Unrecognized key.*monday/],
		[
			{ ...base, services: [{ id: 'consulta', name: 'Consulta', durationMinutes: '30' }] },
			'services[0].durationMinutes',
			/number/,
		],
		[
			{ ...base, practitioners: [{ id: 'ana', name: 'Ana', serviceIds: ['x'] }] },
			'practitioners[0].serviceIds[0]',
			/unknown service id "x"/,
		],
		[
			{ ...base, openingHours: undefined },
			'practitioners[0].openingHours',
			/required when the clinic has no top-level openingHours/,
		],
		[{ ...base, closures: [{ reason: 'x' }] }, 'closures[0].date', /either "date" or both/],
		[{ ...base, slotGranularityMinutes: 1 }, 'slotGranularityMinutes', /greater than or equal to 5/],
		[{ ...base, practitioners: [] }, 'practitioners', /at least one practitioner/],
		[{ ...base, practitioners: [{ id: 'a b', name: 'A' }] }, 'practitioners[0].id', /letters, digits/],
	])('names the bad field (%#)', (input, field, message) => {
		const error = errorOf(input);
		expect(error).toBeInstanceOf(SchedulingInputError);
		expect(error.field).toBe(field);
		expect(error.message).toContain(`${field}:`);
		expect(error.message).toMatch(message);
	});

	it('reports invalid JSON text', () => {
		const error = errorOf('{"timeZone": "America/Sao_Paulo",');
		expect(error.field).toBe('rules');
		expect(error.message).toMatch(/not valid JSON/);
	});

	it('accepts JSON text', () => {
		expect(parseClinicRules(JSON.stringify(base)).practitioners[0].id).toBe('ana');
	});
});

describe('slot ids', () => {
	it('round-trips each backend kind and stays within WhatsApp row id limits', () => {
		const refs = [
			{
				backend: 'builtin' as const,
				practitionerId: 'ana',
				serviceId: 'consulta',
				startMs: at('2030-01-07T09:30'),
			},
			{ backend: 'fhir' as const, slotResourceId: 'a'.repeat(64) },
			{
				backend: 'calcom' as const,
				eventTypeId: 123456,
				startMs: Date.parse('2030-01-07T12:30:00Z'),
				durationMinutes: 30,
			},
		];
		for (const ref of refs) {
			const id = encodeSlotId(ref);
			expect(id.length).toBeLessThanOrEqual(SLOT_ID_MAX_LENGTH);
			expect(id).toMatch(/^sl1~[bfc]~.+~[A-Za-z0-9_-]{6}$/);
			expect(decodeSlotId(id)).toEqual(ref);
		}
		// Longest built-in ids (64-char practitioner and service ids) still fit.
		const long = encodeSlotId({
			backend: 'builtin',
			practitionerId: 'p'.repeat(64),
			serviceId: 's'.repeat(64),
			startMs: Date.now(),
		});
		expect(long.length).toBeLessThanOrEqual(SLOT_ID_MAX_LENGTH);
	});

	it('rejects tampered, truncated, foreign and wrong-backend ids with a field-named error', () => {
		const id = encodeSlotId({
			backend: 'builtin',
			practitionerId: 'ana',
			serviceId: 'consulta',
			startMs: at('2030-01-07T09:30'),
		});
		const tampered = id.replace('~ana~', '~anb~');
		expect(() => decodeSlotId(tampered)).toThrow(/checksum mismatch/);
		expect(() => decodeSlotId(id.slice(0, -2))).toThrow(/checksum mismatch/);
		expect(() => decodeSlotId('priority_express')).toThrow(/unknown format/);
		expect(() => decodeSlotId('')).toThrow(/empty/);
		expect(() => decodeSlotIdFor(id, 'fhir')).toThrow(
			/produced by the builtin backend but this node uses fhir/,
		);
		try {
			decodeSlotId('x');
		} catch (error) {
			expect((error as SchedulingInputError).field).toBe('slotId');
		}
	});
});

describe('labels (luxon, pt-BR / es / en)', () => {
	const t = at('2025-01-14T09:30');
	it('formats short day + time labels per locale in the clinic zone', () => {
		expect(slotLabel(t, 'America/Sao_Paulo', 'pt-BR')).toBe('ter., 14 jan · 09:30');
		expect(slotLabel(t, 'America/Sao_Paulo', 'es')).toBe('mar, 14 ene · 09:30');
		expect(slotLabel(t, 'America/Sao_Paulo', 'en')).toBe('Tue, 14 Jan · 9:30 AM');
		// Same instant in Lisbon is 12:30.
		expect(slotLabel(t, 'Europe/Lisbon', 'pt-BR')).toBe('ter., 14 jan · 12:30');
		expect(dayLabel(at('2025-05-03T10:00'), 'America/Sao_Paulo', 'pt-BR')).toBe('sáb., 3 mai');
	});

	it('normalises locale codes', () => {
		expect(normalizeLocale('pt')).toBe('pt-BR');
		expect(normalizeLocale('es-MX')).toBe('es');
		expect(normalizeLocale('en-GB')).toBe('en');
		expect(normalizeLocale(undefined)).toBe('pt-BR');
	});

	it('helper rules parse', () => {
		expect(clinicRules().services).toHaveLength(2);
	});
});
