/** Contract tests: contacts messages are validated like Meta's Cloud API (formatted_name required, typed fields). */
import type { Simulator } from '../../../simulator';
import { expectGraphError, PATIENT, send, start } from './helpers';

let sim: Simulator;

beforeAll(async () => {
	sim = await start({ deliveryErrors: 'sync' });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(async () => {
	sim.reset();
	await sim.inbound({ from: PATIENT, name: 'Maria', type: 'text', text: 'Hi' });
});

const card = (extra: Record<string, unknown> = {}) => ({ name: { formatted_name: 'Reception' }, ...extra });
const contacts = (...cards: unknown[]) => send(sim, { to: PATIENT, type: 'contacts', contacts: cards });

describe('contacts messages', () => {
	it('accepts several full cards in one message and renders each name and phone', async () => {
		const full = card({
			name: { formatted_name: 'Dr. Rui Lima', first_name: 'Rui', last_name: 'Lima', prefix: 'Dr.' },
			addresses: [{ street: 'Rua A, 1', city: 'São Paulo', country_code: 'BR', type: 'WORK' }],
			birthday: '1970-01-31',
			emails: [{ email: 'lima@clinic.example', type: 'WORK' }],
			org: { company: 'Clínica Sol', department: 'Cardiology', title: 'Cardiologist' },
			phones: [{ phone: '+551130000001', type: 'WORK', wa_id: '551130000001' }],
			urls: [{ url: 'https://clinic.example', type: 'WORK' }],
		});
		const r = await contacts(full, card({ phones: [{ phone: '+551130000000' }] }));
		expect(r.status).toBe(200);
		const [msg] = sim.messages({ type: 'contacts' });
		expect(msg.rendered).toEqual({
			contacts: [
				{ name: 'Dr. Rui Lima', phones: ['+551130000001'] },
				{ name: 'Reception', phones: ['+551130000000'] },
			],
		});
	});

	it.each<[string, unknown[], number, string]>([
		['no cards', [], 100, 'contacts'],
		[
			'a card without formatted_name',
			[card(), { name: { first_name: 'Ana' } }],
			100,
			"contacts[1]['name']['formatted_name']",
		],
		['a blank formatted_name', [card({ name: { formatted_name: ' ' } })], 100, 'formatted_name'],
		['a card that is not an object', ['Reception'], 100, 'contacts[0]'],
		['phones not a list', [card({ phones: { phone: '+1' } })], 100, "contacts[0]['phones']"],
		['a phone entry not an object', [card({ phones: ['+1'] })], 100, "contacts[0]['phones'][0]"],
		['a numeric phone', [card({ phones: [{ phone: 5511 }] })], 100, "contacts[0]['phones'][0]['phone']"],
		[
			'an email that is a number',
			[card({ emails: [{ email: 1 }] })],
			100,
			"contacts[0]['emails'][0]['email']",
		],
		['addresses not a list', [card({ addresses: 'Rua A' })], 100, "contacts[0]['addresses']"],
		['org not an object', [card({ org: 'Clínica' })], 100, "contacts[0]['org']"],
		[
			'a name part that is not text',
			[card({ name: { formatted_name: 'A', last_name: 3 } })],
			100,
			"['last_name']",
		],
		['a birthday in DD/MM/YYYY', [card({ birthday: '31/01/1970' })], 100, "contacts[0]['birthday']"],
		['an impossible birthday', [card({ birthday: '1970-02-30' })], 100, "contacts[0]['birthday']"],
	])('rejects %s naming the field', async (_label, cards, code, field) => {
		const details = expectGraphError(await contacts(...cards), 400, code);
		expect(details).toContain(field);
		expect(sim.messages({ type: 'contacts' })).toHaveLength(0);
	});
});
