/** Contacts message builder: Meta's full card shape, several cards, accepted conveniences and every validation error. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MessageEvent } from '../../../core/webhook/events';
import { parseEvents } from '../../../core/webhook/parse';
import { buildContacts, MAX_CONTACTS, whatsAppIdOf } from '../../../core/whatsapp/messages/contacts';
import { errorOf } from './error-of';

/** Every field Meta's contacts message object has. */
const FULL_CARD = {
	addresses: [
		{
			street: 'Rua das Flores, 100',
			city: 'São Paulo',
			state: 'SP',
			zip: '01000-000',
			country: 'Brazil',
			country_code: 'BR',
			type: 'WORK',
		},
	],
	birthday: '1970-01-31',
	emails: [
		{ email: 'lima@clinicasol.example', type: 'WORK' },
		{ email: 'rui.lima@mail.example', type: 'HOME' },
	],
	name: {
		formatted_name: 'Dr. Rui Lima',
		first_name: 'Rui',
		last_name: 'Lima',
		middle_name: 'Costa',
		suffix: 'Jr.',
		prefix: 'Dr.',
	},
	org: { company: 'Clínica Sol', department: 'Cardiology', title: 'Cardiologist' },
	phones: [
		{ phone: '+55 11 3000-0001', type: 'WORK', wa_id: '551130000001' },
		{ phone: '+55 11 91234-5678', type: 'CELL' },
	],
	urls: [{ url: 'https://clinicasol.example/dr-lima', type: 'WORK' }],
};

describe('buildContacts: payload', () => {
	it('sends every field of Meta’s contact card unchanged', () => {
		expect(buildContacts([FULL_CARD])).toEqual({ type: 'contacts', contacts: [FULL_CARD] });
	});

	it('sends several cards in one message, in the given order', () => {
		const content = buildContacts([
			FULL_CARD,
			{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000', type: 'MAIN' }] },
			{ name: { formatted_name: 'Lab results' }, emails: [{ email: 'lab@clinicasol.example' }] },
		]);
		expect(content.type).toBe('contacts');
		expect(content.contacts).toEqual([
			FULL_CARD,
			{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000', type: 'MAIN' }] },
			{ name: { formatted_name: 'Lab results' }, emails: [{ email: 'lab@clinicasol.example' }] },
		]);
	});

	it(`accepts up to ${MAX_CONTACTS} cards and refuses more, naming the fix`, () => {
		const cards = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Doctor ${i + 1}` }));
		expect(buildContacts(cards(MAX_CONTACTS)).contacts).toHaveLength(MAX_CONTACTS);
		const error = errorOf(() => buildContacts(cards(MAX_CONTACTS + 1)));
		expect(error.field).toBe('contacts');
		expect(error.problem).toBe(
			`has ${MAX_CONTACTS + 1} contacts; one message carries at most ${MAX_CONTACTS}`,
		);
		expect(error.fix).toContain('Loop Over Items');
	});

	it('keeps the phone exactly as given and trims text', () => {
		const [card] = buildContacts([{ name: '  Reception ', phones: ['(11) 3000-0000 ext. 2'] }])
			.contacts as any[];
		expect(card).toEqual({
			name: { formatted_name: 'Reception' },
			phones: [{ phone: '(11) 3000-0000 ext. 2' }],
		});
	});

	it('leaves out blank optional fields and empty lists/objects', () => {
		expect(
			buildContacts([
				{
					name: { formatted_name: 'Reception', first_name: '', last_name: null },
					phones: [],
					emails: null,
					urls: '',
					addresses: [],
					org: { company: '', department: ' ', title: undefined },
					birthday: '',
				},
			] as any).contacts,
		).toEqual([{ name: { formatted_name: 'Reception' } }]);
	});

	it('accepts shortcuts: name as text, phones/emails/urls as text, one address object, numbers', () => {
		expect(
			buildContacts({
				name: 'Reception',
				phones: ['+551130000000', 551130000009],
				emails: 'reception@clinicasol.example',
				urls: ['https://clinicasol.example'],
				addresses: { city: 'São Paulo', zip: 1000000 },
			}).contacts,
		).toEqual([
			{
				name: { formatted_name: 'Reception' },
				phones: [{ phone: '+551130000000' }, { phone: '551130000009' }],
				emails: [{ email: 'reception@clinicasol.example' }],
				urls: [{ url: 'https://clinicasol.example' }],
				addresses: [{ city: 'São Paulo', zip: '1000000' }],
			},
		]);
	});

	it('accepts JSON text, a single card and a {contacts: [...]} wrapper', () => {
		const expected = [{ name: { formatted_name: 'Reception' } }];
		expect(buildContacts('[{"name": {"formatted_name": "Reception"}}]').contacts).toEqual(expected);
		expect(buildContacts('{"name": "Reception"}').contacts).toEqual(expected);
		expect(buildContacts({ contacts: [{ name: 'Reception' }] }).contacts).toEqual(expected);
	});

	it('normalises wa_id to digits (lossless) and keeps the phone text', () => {
		expect(
			buildContacts([
				{ name: 'Nurse', phones: [{ phone: '+55 11 91234-5678', wa_id: '+55 (11) 91234-5678' }] },
			]).contacts,
		).toEqual([
			{ name: { formatted_name: 'Nurse' }, phones: [{ phone: '+55 11 91234-5678', wa_id: '5511912345678' }] },
		]);
		expect(buildContacts([{ name: 'Nurse', phones: [{ wa_id: 5511912345678 }] }]).contacts).toEqual([
			{ name: { formatted_name: 'Nurse' }, phones: [{ wa_id: '5511912345678' }] },
		]);
	});

	it('forwards a card a patient sent, as the WhatsApp Clinic Trigger outputs it (camelCase)', () => {
		const raw = readFileSync(join(__dirname, '../../fixtures/webhooks/message-contacts.json'));
		const parsed = parseEvents(raw);
		if (!parsed.ok) throw new Error('fixture did not parse');
		const received = (parsed.events[0] as MessageEvent).contacts;
		expect(received?.[0]).toHaveProperty('name.formattedName', 'Jane Doe');
		const wire = JSON.parse(raw.toString('utf8')).entry[0].changes[0].value.messages[0].contacts;
		expect(buildContacts(received).contacts).toEqual(wire);
	});
});

describe('buildContacts: validation errors name Meta’s field and the fix', () => {
	const base = { name: { formatted_name: 'Reception' } };
	const second = (card: Record<string, unknown>) => [base, { ...base, ...card }];

	it.each<[string, unknown, string, string]>([
		['no cards', [], 'contacts', 'has no contact'],
		['null', null, 'contacts', 'has no contact'],
		['not JSON', '[{name:', 'contacts', 'is not valid JSON'],
		['a number', 42, 'contacts', 'must be a list of contact objects but is a number'],
		['a card that is text', ['Reception'], 'contacts[0]', 'must be a contact object but is a string'],
		['no name', second({ name: undefined }), 'contacts[1].name.formatted_name', 'is missing'],
		[
			'blank formatted_name',
			second({ name: { formatted_name: '  ' } }),
			'contacts[1].name.formatted_name',
			'is missing',
		],
		[
			'only a first name',
			second({ name: { first_name: 'Ana' } }),
			'contacts[1].name.formatted_name',
			'is missing',
		],
		[
			'a too long name',
			second({ name: 'x'.repeat(1001) }),
			'contacts[1].name.formatted_name',
			'is longer than 1000 characters',
		],
		[
			'an unknown name key',
			second({ name: { formatted_name: 'A', nick: 'B' } }),
			'contacts[1].name',
			'has unknown key(s) "nick"',
		],
		[
			'an unknown card key',
			second({ specialty: 'Cardiology' }),
			'contacts[1]',
			'has unknown key(s) "specialty"',
		],
		[
			'a phone without digits',
			second({ phones: ['call us'] }),
			'contacts[1].phones[0].phone',
			'has no digits',
		],
		[
			'a phone entry with only a type',
			second({ phones: [{ type: 'WORK' }] }),
			'contacts[1].phones[0].phone',
			'is missing',
		],
		[
			'a wa_id with letters',
			second({ phones: [{ phone: '+1', wa_id: 'abc' }] }),
			'contacts[1].phones[0].wa_id',
			'is not a WhatsApp ID',
		],
		[
			'a too short wa_id',
			second({ phones: [{ wa_id: '12345' }] }),
			'contacts[1].phones[0].wa_id',
			'is not a WhatsApp ID',
		],
		[
			'an invalid email',
			second({ emails: ['reception@'] }),
			'contacts[1].emails[0].email',
			'is not a valid email address',
		],
		[
			'an email entry without email',
			second({ emails: [{ type: 'WORK' }] }),
			'contacts[1].emails[0].email',
			'is missing',
		],
		[
			'a url without scheme',
			second({ urls: ['www.clinic.example'] }),
			'contacts[1].urls[0].url',
			'is not a web address',
		],
		[
			'a non-web url',
			second({ urls: ['javascript:alert(1)'] }),
			'contacts[1].urls[0].url',
			'is not a web address',
		],
		[
			'a url entry without url',
			second({ urls: [{ type: 'WORK' }] }),
			'contacts[1].urls[0].url',
			'is missing',
		],
		[
			'an address with only a type',
			second({ addresses: [{ type: 'HOME' }] }),
			'contacts[1].addresses[0]',
			'is empty',
		],
		[
			'a 3-letter country code',
			second({ addresses: [{ city: 'Lisboa', country_code: 'PRT' }] }),
			'contacts[1].addresses[0].country_code',
			'is not a two-letter country code',
		],
		[
			'an unknown address key',
			second({ addresses: [{ city: 'X', number: 3 }] }),
			'contacts[1].addresses[0]',
			'has unknown key(s) "number"',
		],
		[
			'an org that is text',
			second({ org: 'Clínica Sol' }),
			'contacts[1].org',
			'must be a object but is a string',
		],
		[
			'an unknown org key',
			second({ org: { company: 'A', role: 'B' } }),
			'contacts[1].org',
			'has unknown key(s) "role"',
		],
		[
			'a birthday in another format',
			second({ birthday: '31/01/1970' }),
			'contacts[1].birthday',
			'is not a date in YYYY-MM-DD form',
		],
		[
			'an impossible birthday',
			second({ birthday: '1970-02-30' }),
			'contacts[1].birthday',
			'is not a date in YYYY-MM-DD form',
		],
		[
			'a birthday with a time',
			second({ birthday: '1970-01-31T00:00:00Z' }),
			'contacts[1].birthday',
			'is not a date in YYYY-MM-DD form',
		],
		[
			'a type that is a boolean',
			second({ phones: [{ phone: '+1 650', type: true }] }),
			'contacts[1].phones[0].type',
			'must be a string but is a boolean',
		],
	])('%s', (_label, input, field, problem) => {
		const error = errorOf(() => buildContacts(input));
		expect({ field: error.field, problem: error.problem }).toEqual({ field, problem });
		expect(error.fix.length).toBeGreaterThan(10);
	});

	it('never echoes the offending phone, email or birthday in the error', () => {
		for (const card of [
			{ name: 'A', emails: ['maria.patient@'] },
			{ name: 'A', phones: [{ phone: '+1', wa_id: 'maria-44770900' }] },
			{ name: 'A', birthday: '1981/07/14' },
		]) {
			const error = errorOf(() => buildContacts([card]));
			expect(error.message).not.toMatch(/maria|44770900|1981/);
		}
	});
});

describe('whatsAppIdOf', () => {
	it('gives the E.164 digits of an international or local number', () => {
		expect(whatsAppIdOf('+55 11 91234-5678', undefined, 'f')).toBe('5511912345678');
		expect(whatsAppIdOf('(11) 91234-5678', 'BR', 'f')).toBe('5511912345678');
	});
	it('names the field when the number cannot be read', () => {
		expect(
			errorOf(() => whatsAppIdOf('(11) 91234-5678', undefined, 'contacts[0].phones[0].wa_id')).field,
		).toBe('contacts[0].phones[0].wa_id');
		expect(errorOf(() => whatsAppIdOf('BR.12345', undefined, 'x')).problem).toBe(
			'needs a phone number, not a WhatsApp user ID',
		);
	});
});
