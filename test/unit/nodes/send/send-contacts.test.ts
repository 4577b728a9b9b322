/** WhatsApp Send Message → Send Contact: Define Below (old and new fields), From JSON, and errors per item. */
import { NodeOperationError, type INodeProperties } from 'n8n-workflow';

import { resetSharedLimiters } from '../../../../core/whatsapp/rate-limiter';
import { WhatsAppSendMessage } from '../../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { FakeGraph, fakeContext } from './fake-context';

const node = new WhatsAppSendMessage();
const to = '+5511912345678';

async function run(opts: Parameters<typeof fakeContext>[0]) {
	return await node.execute.call(fakeContext(opts));
}

beforeEach(() => resetSharedLimiters());

describe('Send Contact, Define Below', () => {
	it('keeps working for workflows saved before Contacts Source existed', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			params: {
				operation: 'contacts',
				recipient: to,
				contactName: 'Clínica Sol – Reception',
				contactPhone: '+551130000000',
				contactEmail: 'reception@clinicasol.example',
				contactUrl: 'https://clinicasol.example',
				options: {},
			},
		});
		expect(graph.messages).toEqual([
			{
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to,
				type: 'contacts',
				contacts: [
					{
						name: { formatted_name: 'Clínica Sol – Reception' },
						phones: [{ phone: '+551130000000', type: 'WORK' }],
						emails: [{ email: 'reception@clinicasol.example', type: 'WORK' }],
						urls: [{ url: 'https://clinicasol.example', type: 'WORK' }],
					},
				],
				// No Callback Data: only the item's idempotency key.
				biz_opaque_callback_data: `wac:${String(out[0].json.idempotencyKey)}`,
			},
		]);
		expect(out[0].json).toMatchObject({ type: 'contacts', recipient: to, messageId: expect.any(String) });
	});

	it('sends every Additional Field in Meta’s shape, with wa_id from a local number and the Default Country', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			params: {
				operation: 'contacts',
				contactsSource: 'defineBelow',
				recipient: to,
				contactName: 'Dr. Rui Lima',
				contactPhone: '(11) 91234-0001',
				contactEmail: 'lima@clinicasol.example',
				contactUrl: '',
				contactAdditionalFields: {
					namePrefix: 'Dr.',
					firstName: 'Rui',
					middleName: 'Costa',
					lastName: 'Lima',
					nameSuffix: 'Jr.',
					company: 'Clínica Sol',
					department: 'Cardiology',
					jobTitle: 'Cardiologist',
					phoneType: 'CELL',
					phoneOnWhatsApp: true,
					secondPhone: '+55 11 3000-0001',
					secondPhoneType: 'WORK',
					emailType: 'HOME',
					street: 'Rua das Flores, 100',
					city: 'São Paulo',
					state: 'SP',
					zip: '01000-000',
					country: 'Brazil',
					countryCode: 'BR',
					addressType: 'WORK',
					birthday: '1970-01-31',
				},
				options: { defaultCountry: 'BR' },
			},
		});
		expect(graph.messages[0].contacts).toEqual([
			{
				name: {
					formatted_name: 'Dr. Rui Lima',
					first_name: 'Rui',
					last_name: 'Lima',
					middle_name: 'Costa',
					prefix: 'Dr.',
					suffix: 'Jr.',
				},
				phones: [
					{ phone: '(11) 91234-0001', type: 'CELL', wa_id: '5511912340001' },
					{ phone: '+55 11 3000-0001', type: 'WORK' },
				],
				emails: [{ email: 'lima@clinicasol.example', type: 'HOME' }],
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
				org: { company: 'Clínica Sol', department: 'Cardiology', title: 'Cardiologist' },
				birthday: '1970-01-31',
			},
		]);
	});

	it('adds no address when only the Address Type is set', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			params: {
				operation: 'contacts',
				recipient: to,
				contactName: 'Reception',
				contactAdditionalFields: { addressType: 'HOME', secondPhone: '+551130000009' },
				options: {},
			},
		});
		expect(graph.messages[0].contacts).toEqual([
			{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000009', type: 'CELL' }] },
		]);
	});

	it.each<[string, Record<string, unknown>, string]>([
		['an empty Contact Name', { contactName: '' }, 'contacts[0].name.formatted_name is missing'],
		[
			'a birthday typed as DD/MM/YYYY',
			{ contactAdditionalFields: { birthday: '31/01/1970' } },
			'contacts[0].birthday is not a date in YYYY-MM-DD form',
		],
		[
			'Phone Is on WhatsApp with a local number and no Default Country',
			{ contactPhone: '(11) 91234-0001', contactAdditionalFields: { phoneOnWhatsApp: true } },
			'contacts[0].phones[0].wa_id',
		],
		[
			'an email without domain',
			{ contactEmail: 'reception@' },
			'contacts[0].emails[0].email is not a valid email address',
		],
		[
			'a website without https://',
			{ contactUrl: 'clinicasol.example' },
			'contacts[0].urls[0].url is not a web address',
		],
	])('refuses %s before sending', async (_label, params, message) => {
		const graph = new FakeGraph();
		const error = await run({
			graph,
			params: { operation: 'contacts', recipient: to, contactName: 'Reception', options: {}, ...params },
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message.startsWith(message)).toBe(true);
		expect((error as NodeOperationError).description).toBeTruthy();
		expect(graph.messages).toHaveLength(0);
	});
});

describe('Send Contact, From JSON', () => {
	const team = [
		{ name: 'Reception', phones: ['+551130000000'] },
		{
			name: { formatted_name: 'Dr. Rui Lima', first_name: 'Rui', last_name: 'Lima' },
			phones: [{ phone: '+551130000001', type: 'WORK', wa_id: '551130000001' }],
			org: { company: 'Clínica Sol', title: 'Cardiologist' },
		},
		{ name: 'Lab', emails: ['lab@clinicasol.example'], urls: ['https://clinicasol.example/lab'] },
	];

	it('sends all contacts of an item in ONE message, one message per item', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			items: [{ json: { contacts: team } }, { json: { contacts: team.slice(0, 1) } }],
			params: {
				operation: 'contacts',
				contactsSource: 'json',
				recipient: (i: number) => (i === 0 ? to : '+5511912345679'),
				contactsJson: (i: number) => (i === 0 ? team : team.slice(0, 1)),
				// Define Below fields are ignored with From JSON.
				contactName: '',
				options: {},
			},
		});
		expect(graph.messages.map((m) => [m.to, m.type, m.contacts.length])).toEqual([
			[to, 'contacts', 3],
			['+5511912345679', 'contacts', 1],
		]);
		expect(graph.messages[0].contacts).toEqual([
			{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000' }] },
			{
				name: { formatted_name: 'Dr. Rui Lima', first_name: 'Rui', last_name: 'Lima' },
				phones: [{ phone: '+551130000001', type: 'WORK', wa_id: '551130000001' }],
				org: { company: 'Clínica Sol', title: 'Cardiologist' },
			},
			{
				name: { formatted_name: 'Lab' },
				emails: [{ email: 'lab@clinicasol.example' }],
				urls: [{ url: 'https://clinicasol.example/lab' }],
			},
		]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('accepts the contacts typed as JSON text', async () => {
		const graph = new FakeGraph();
		await run({
			graph,
			params: {
				operation: 'contacts',
				contactsSource: 'json',
				recipient: to,
				contactsJson: JSON.stringify(team),
				options: {},
			},
		});
		expect(graph.messages[0].contacts).toHaveLength(3);
	});

	it('stops before sending anything when one item has a bad contact, naming item and Meta’s field', async () => {
		const graph = new FakeGraph();
		const bad = [team[0], { name: 'Dr. Lima', phones: [{ phone: '+551130000001', wa_id: 'lima' }] }];
		const error = await run({
			graph,
			items: [{ json: {} }, { json: {} }],
			params: {
				operation: 'contacts',
				contactsSource: 'json',
				recipient: to,
				contactsJson: (i: number) => (i === 0 ? team : bad),
				options: {},
			},
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message.startsWith('contacts[1].phones[0].wa_id is not a WhatsApp ID. ')).toBe(
			true,
		);
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect(graph.messages).toHaveLength(0);
	});

	it('with Continue On Fail, bad items become error items with field and fix; the rest is sent', async () => {
		const graph = new FakeGraph();
		const [out] = await run({
			graph,
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }, { json: {} }],
			params: {
				operation: 'contacts',
				contactsSource: 'json',
				recipient: to,
				contactsJson: (i: number) =>
					i === 1 ? Array.from({ length: 21 }, (_, n) => ({ name: `Doctor ${n}` })) : team,
				options: {},
			},
		});
		expect(out.map((o) => (o.json.error ? 'error' : 'ok'))).toEqual(['ok', 'error', 'ok']);
		expect(out[1].json.error).toMatchObject({
			field: 'contacts',
			message: expect.stringContaining('contacts has 21 contacts; one message carries at most 20'),
			hint: expect.stringContaining('Loop Over Items'),
		});
		expect(graph.messages).toHaveLength(2);
	});

	it('explains an empty list (e.g. nobody found by the previous node)', async () => {
		const graph = new FakeGraph();
		const error = await run({
			graph,
			params: { operation: 'contacts', contactsSource: 'json', recipient: to, contactsJson: [], options: {} },
		}).catch((e: unknown) => e);
		expect((error as Error).message.startsWith('contacts has no contact. ')).toBe(true);
		expect((error as NodeOperationError).description).toContain('IF node');
	});
});

describe('Send Contact fields', () => {
	const props = node.description.properties.filter((p) =>
		(p.displayOptions?.show?.operation as string[] | undefined)?.includes('contacts'),
	);
	const byName = (name: string) => props.find((p) => p.name === name)!;

	it('keeps the old parameter names and adds the source, additional fields and JSON', () => {
		expect(props.map((p) => p.name)).toEqual([
			'contactsSource',
			'contactName',
			'contactPhone',
			'contactEmail',
			'contactUrl',
			'contactAdditionalFields',
			'contactsJson',
			'options',
		]);
		expect(byName('contactsSource').default).toBe('defineBelow');
		expect((byName('contactsSource').options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			'defineBelow',
			'json',
		]);
		for (const name of [
			'contactName',
			'contactPhone',
			'contactEmail',
			'contactUrl',
			'contactAdditionalFields',
		])
			expect(byName(name).displayOptions?.show?.contactsSource).toEqual(['defineBelow']);
		expect(byName('contactsJson').displayOptions?.show?.contactsSource).toEqual(['json']);
	});

	it('gives every field a label, description and default, and the main ones a hint', () => {
		const fields: INodeProperties[] = [
			...props,
			...(byName('contactAdditionalFields').options as INodeProperties[]),
		];
		for (const p of fields) {
			expect({
				name: p.name,
				ok: Boolean(p.displayName && p.description && p.default !== undefined),
			}).toEqual({
				name: p.name,
				ok: true,
			});
		}
		for (const name of ['contactsSource', 'contactName', 'contactPhone', 'contactsJson'])
			expect(byName(name).hint).toBeTruthy();
		const additional = (byName('contactAdditionalFields').options as INodeProperties[]).map(
			(o) => o.displayName,
		);
		expect(additional).toEqual([...additional].sort((a, b) => a.localeCompare(b)));
	});
});
