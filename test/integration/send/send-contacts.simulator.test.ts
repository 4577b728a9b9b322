/**
 * WhatsApp Send Message → Send Contact against the WhatsApp Cloud API simulator (real HTTP, real GraphClient):
 * the full card from Define Below, several cards From JSON in one message, and a bad card never reaching the API.
 */
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { WhatsAppSendMessage } from '../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { startSimulator, type Simulator } from '../../../simulator';
import { fakeContext, httpForwarder } from '../../unit/nodes/send/fake-context';

let sim: Simulator;
const node = new WhatsAppSendMessage();
const patient = '5511912340050';

function ctx(options: Omit<Parameters<typeof fakeContext>[0], 'graph' | 'credential'>) {
	return fakeContext({
		...options,
		graph: httpForwarder(sim.accessToken),
		credential: { baseUrl: sim.url, phoneNumberId: sim.phoneNumberId, businessAccountId: sim.wabaId },
	});
}

beforeAll(async () => {
	sim = await startSimulator({ port: 0, quiet: true, deliveryErrors: 'sync', readDelayMs: 5 });
});
afterAll(async () => await sim.close());
beforeEach(async () => {
	sim.reset();
	resetSharedLimiters();
	await sim.configure({ mps: 80, faultRate: 0, latencyMs: 0 });
	await sim.inbound({ from: patient, text: 'Qual o telefone da recepção?' });
});

describe('Send Contact against the simulator', () => {
	it('sends the full Define Below card; the simulator accepts and renders it', async () => {
		const [out] = await node.execute.call(
			ctx({
				params: {
					operation: 'contacts',
					contactsSource: 'defineBelow',
					recipient: patient,
					contactName: 'Dr. Rui Lima',
					contactPhone: '(11) 91234-0001',
					contactEmail: 'lima@clinicasol.example',
					contactUrl: 'https://clinicasol.example',
					contactAdditionalFields: {
						firstName: 'Rui',
						lastName: 'Lima',
						company: 'Clínica Sol',
						jobTitle: 'Cardiologist',
						phoneOnWhatsApp: true,
						city: 'São Paulo',
						countryCode: 'BR',
						birthday: '1970-01-31',
					},
					options: { defaultCountry: 'BR' },
				},
			}),
		);
		expect(out[0].json.error).toBeUndefined();
		const [sent] = sim.messages({ type: 'contacts' });
		expect(out[0].json.messageId).toBe(sent.id);
		expect((sent.request as any).contacts[0]).toMatchObject({
			name: { formatted_name: 'Dr. Rui Lima', first_name: 'Rui', last_name: 'Lima' },
			phones: [{ phone: '(11) 91234-0001', type: 'WORK', wa_id: '5511912340001' }],
			addresses: [{ city: 'São Paulo', country_code: 'BR', type: 'WORK' }],
			org: { company: 'Clínica Sol', title: 'Cardiologist' },
			birthday: '1970-01-31',
		});
		expect(sent.rendered).toEqual({ contacts: [{ name: 'Dr. Rui Lima', phones: ['(11) 91234-0001'] }] });
	});

	it('sends several contacts From JSON as one message', async () => {
		const team = [
			{ name: 'Reception', phones: ['+551130000000'] },
			{
				name: { formattedName: 'On-call nurse' },
				phones: [{ phone: '+5511912340002', waId: '5511912340002' }],
			},
			{ name: 'Lab', emails: ['lab@clinicasol.example'] },
		];
		const [out] = await node.execute.call(
			ctx({
				items: [{ json: { team } }],
				params: {
					operation: 'contacts',
					contactsSource: 'json',
					recipient: patient,
					contactsJson: team,
					options: {},
				},
			}),
		);
		expect(out[0].json.error).toBeUndefined();
		const sent = sim.messages({ type: 'contacts' });
		expect(sent).toHaveLength(1);
		expect(sent[0].rendered).toEqual({
			contacts: [
				{ name: 'Reception', phones: ['+551130000000'] },
				{ name: 'On-call nurse', phones: ['+5511912340002'] },
				{ name: 'Lab', phones: [] },
			],
		});
	});

	it('a card with a bad birthday becomes an error item and never reaches the simulator', async () => {
		const [out] = await node.execute.call(
			ctx({
				continueOnFail: true,
				params: {
					operation: 'contacts',
					contactsSource: 'json',
					recipient: patient,
					contactsJson: [{ name: 'Reception' }, { name: 'Dr. Lima', birthday: '31/01/1970' }],
					options: {},
				},
			}),
		);
		expect(out[0].json.error).toMatchObject({ field: 'contacts[1].birthday' });
		expect(sim.messages({ type: 'contacts' })).toHaveLength(0);
	});
});
