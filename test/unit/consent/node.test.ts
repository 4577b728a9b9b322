import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { MemoryConsentRepository } from '../../../core/consent/repositories/memory';
import { type ConsentChange, ConsentService } from '../../../core/consent/service';
import { ConsentCheck } from '../../../nodes/ConsentCheck/ConsentCheck.node';
import { parseEvents } from '../../../core/webhook/parse';

let repo: MemoryConsentRepository;
let audited: ConsentChange[];
let now: number;

let openFailure: Error | undefined;

jest.mock('../../../nodes/shared/consent-fields', () => ({
	...jest.requireActual('../../../nodes/shared/consent-fields'),
	getConsentService: async (_ctx: unknown, policy: never) => {
		if (openFailure) throw openFailure;
		return new ConsentService({
			repository: repo,
			policy,
			clock: () => now,
			audit: { consentChanged: async (changes: ConsentChange[]) => void audited.push(...changes) },
		});
	},
}));

type Params = Record<string, unknown | ((i: number) => unknown)>;

function ctx(params: Params, items: INodeExecutionData[], continueOnFail = false): IExecuteFunctions {
	return {
		getInputData: () => items,
		getNodeParameter: (name: string, i: number, fallback?: unknown) => {
			const v = params[name];
			if (v === undefined) return fallback;
			return typeof v === 'function' ? (v as (i: number) => unknown)(i) : v;
		},
		continueOnFail: () => continueOnFail,
		getNode: () => ({
			id: 'n1',
			name: 'Consent Check',
			type: 'consentCheck',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getWorkflow: () => ({ id: 'wf-reminders', name: 'Reminders', active: true }),
		getExecutionId: () => 'exec-1',
	} as unknown as IExecuteFunctions;
}

const run = (params: Params, items: INodeExecutionData[], continueOnFail = false) =>
	new ConsentCheck().execute.call(ctx(params, items, continueOnFail));

const patients = (...phones: string[]) => phones.map((phone) => ({ json: { phone, name: 'x' } }));
const checkParams = (purpose = 'appointment_reminders'): Params => ({
	operation: 'check',
	recipient: (i: number) => ['+5511911110000', '+5511922220000', '+5511933330000', 'bad!', ''][i],
	purpose,
	options: {},
});

const trigger = (o: Record<string, unknown>): INodeExecutionData => ({
	json: {
		event: 'message',
		type: 'text',
		messageId: `wamid.${Math.random()}`,
		from: '5511911110000',
		userId: null,
		timestamp: new Date(now - 1000).toISOString(),
		text: null,
		button: null,
		interactive: null,
		...o,
	},
});
const detectParams: Params = {
	operation: 'detectKeywords',
	optOutPurposes: ['all'],
	optInPurposes: ['appointment_reminders', 'telemedicine'],
	options: {},
};

beforeEach(() => {
	openFailure = undefined;
	repo = new MemoryConsentRepository();
	audited = [];
	now = Date.UTC(2026, 10, 25, 12);
});

describe('Consent Check node: description', () => {
	it('is usable as a tool, needs the Clinic Store credential and has two outputs only for Check', () => {
		const d = new ConsentCheck().description;
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials).toEqual([
			{ name: 'clinicStoreApi', required: true, testedBy: 'clinicStoreConnectionTest' },
		]);
		expect(String(d.outputs)).toContain('"Allowed"');
		expect(String(d.outputs)).toContain('"Blocked"');
		expect(d.subtitle).toBeTruthy();
	});
});

describe('Check', () => {
	it('routes to Allowed / Blocked with pairedItem, reasons and one store read for all items', async () => {
		await repo.append(
			{ phone: '+5511922220000', userId: null },
			[
				{
					action: 'opt_out',
					purpose: '*',
					expiresAt: null,
					evidence: {
						sourceMessageId: null,
						textShown: null,
						channel: 'whatsapp',
						timestamp: now - 10,
						actor: { workflowId: null, executionId: null, node: null },
					},
				},
			],
			now - 5,
		);
		const items = patients('a', 'b', 'c');
		const before = repo.reads;
		const [allowed, blocked] = await run(checkParams(), items);
		expect(repo.reads - before).toBe(1);
		expect(allowed.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(allowed[0].json).toMatchObject({
			phone: 'a',
			consent: { allowed: true, basis: 'policy', purpose: 'appointment_reminders' },
		});
		expect(blocked).toHaveLength(1);
		expect(blocked[0].pairedItem).toEqual({ item: 1 });
		expect(blocked[0].json.consent).toEqual({
			allowed: false,
			reason: 'opted_out',
			purpose: 'appointment_reminders',
			since: new Date(now - 5).toISOString(),
			checkedAt: new Date(now).toISOString(),
		});
		expect(items[1].json).toEqual({ phone: 'b', name: 'x' }); // input not mutated
	});

	it('marketing without opt-in is blocked with no_record', async () => {
		const [allowed, blocked] = await run(checkParams('marketing'), patients('a'));
		expect(allowed).toHaveLength(0);
		expect(blocked[0].json.consent).toMatchObject({ allowed: false, reason: 'no_record', since: null });
	});

	it('custom purposes come from the Custom Purpose field and policies can be overridden', async () => {
		const params = {
			...checkParams('custom'),
			customPurpose: 'vaccination_campaign',
			options: {
				policies: {
					policy: [{ purpose: 'vaccination_campaign', mode: 'allowed_unless_opted_out', validityDays: 0 }],
				},
			},
		};
		const [allowed] = await run(params, patients('a'));
		expect(allowed[0].json.consent).toMatchObject({ allowed: true, purpose: 'vaccination_campaign' });
	});

	it('a bad recipient stops the node with an error naming the field and the item', async () => {
		const error = await run(checkParams(), patients('a', 'b', 'c', 'd')).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toMatch(/^Recipient: /);
		expect((error as NodeOperationError).context.itemIndex).toBe(3);
	});

	it('with Continue On Fail, bad items go to Blocked as paired error items', async () => {
		const [allowed, blocked] = await run(checkParams(), patients('a', 'b', 'c', 'd', 'e'), true);
		expect(allowed).toHaveLength(3);
		expect(blocked.map((b) => b.pairedItem)).toEqual([{ item: 3 }, { item: 4 }]);
		expect(blocked[0].json.error).toMatchObject({ message: expect.stringMatching(/^Recipient: /) });
		expect(blocked[1].json.error).toMatchObject({ message: expect.stringMatching(/is empty/) });
	});
});

describe('Record Opt-in / Opt-out', () => {
	it('records with evidence and actor, audits, then Check sees it', async () => {
		const [[out]] = await run(
			{
				operation: 'recordOptIn',
				recipient: '+55 11 91111-0000',
				userId: 'BR.777',
				purposes: ['marketing'],
				customPurposes: 'newsletter',
				textShown: 'Aceita receber novidades? SIM',
				sourceMessageId: 'wamid.IN1',
				options: { channel: 'whatsapp', expiresAt: new Date(now + 86_400_000).toISOString() },
			},
			[{ json: { row: 1 } }],
		);
		expect(out.pairedItem).toEqual({ item: 0 });
		expect(out.json.consentRecord).toMatchObject({
			action: 'opt_in',
			purposes: ['marketing', 'newsletter'],
			expiresAt: new Date(now + 86_400_000).toISOString(),
			alreadyRecorded: false,
		});
		expect(audited.map((a) => [a.event.purpose, a.event.evidence.actor])).toEqual([
			['marketing', { workflowId: 'wf-reminders', executionId: 'exec-1', node: 'Consent Check' }],
			['newsletter', { workflowId: 'wf-reminders', executionId: 'exec-1', node: 'Consent Check' }],
		]);
		// Checked via the linked user ID only:
		const [allowed] = await run(
			{ operation: 'check', recipient: 'BR.777', purpose: 'marketing', options: {} },
			[{ json: {} }],
		);
		expect(allowed).toHaveLength(1);

		now += 1000;
		const [[outOpt]] = await run(
			{ operation: 'recordOptOut', recipient: '+5511911110000', purposes: ['all'], options: {} },
			[{ json: {} }],
		);
		expect(outOpt.json.consentRecord).toMatchObject({ action: 'opt_out', purposes: ['*'] });
		const [, blocked] = await run(
			{ operation: 'check', recipient: 'BR.777', purpose: 'marketing', options: {} },
			[{ json: {} }],
		);
		expect(blocked[0].json.consent).toMatchObject({ reason: 'opted_out' });
	});

	it('bad dates and empty purposes are errors naming the field', async () => {
		const base = { operation: 'recordOptIn', recipient: '+5511911110000', purposes: ['marketing'] };
		await expect(run({ ...base, options: { givenAt: 'yesterday-ish' } }, [{ json: {} }])).rejects.toThrow(
			/^Given At: /,
		);
		await expect(run({ ...base, purposes: [], options: {} }, [{ json: {} }])).rejects.toThrow(/^Purposes: /);
		const [[err]] = await run({ ...base, purposes: [], options: {} }, [{ json: { keep: 1 } }], true);
		expect(err.json).toMatchObject({ keep: 1, error: { message: expect.stringMatching(/^Purposes: /) } });
		expect(err.pairedItem).toEqual({ item: 0 });
	});
});

describe('Detect Keywords', () => {
	it('records PARAR, replies in Portuguese, passes other items through with consentKeyword null', async () => {
		const items = [
			trigger({ text: 'PARAR!' }),
			trigger({ text: 'Olá, que horas abre?' }),
			{ json: { event: 'status', status: 'delivered', messageId: 'wamid.S' } },
		];
		const [out] = await run(detectParams, items);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.consentKeyword).toMatchObject({
			action: 'opt_out',
			keyword: 'PARAR',
			source: 'text',
			purposes: ['*'],
			language: 'pt',
			replyTo: '+5511911110000',
			reply: expect.stringContaining('VOLTAR'),
		});
		expect(out[0].json.text).toBe('PARAR!'); // original item kept
		expect(out[1].json.consentKeyword).toBeNull();
		expect(out[2].json.consentKeyword).toBeNull();
		expect(audited).toHaveLength(1);
		expect(audited[0].event.evidence).toMatchObject({
			keyword: 'PARAR',
			textShown: 'PARAR!',
			channel: 'whatsapp',
		});
		// The next Check (any workflow) blocks the reminder.
		now += 1;
		const [allowed, blocked] = await run(
			{ operation: 'check', recipient: '+5511911110000', purpose: 'appointment_reminders', options: {} },
			[{ json: {} }],
		);
		expect(allowed).toHaveLength(0);
		expect(blocked[0].json.consent).toMatchObject({ reason: 'opted_out' });
	});

	it('SIM only re-subscribes a patient who opted out; START always does; reply language follows the word', async () => {
		const [first] = await run(detectParams, [trigger({ text: 'Sim' })]);
		expect(first[0].json.consentKeyword).toBeNull(); // an appointment confirmation, not consent
		expect(audited).toHaveLength(0);
		await run(detectParams, [trigger({ text: 'BAJA' })]);
		now += 10;
		const [second] = await run(detectParams, [trigger({ text: 'Sim' })]);
		expect(second[0].json.consentKeyword).toMatchObject({
			action: 'opt_in',
			purposes: ['appointment_reminders', 'telemedicine'],
			language: 'pt',
		});
		const [es] = await run(detectParams, [trigger({ text: 'baja', from: '5491122223333' })]);
		expect(es[0].json.consentKeyword).toMatchObject({
			language: 'es',
			reply: expect.stringContaining('VOLVER'),
		});
		const [en] = await run(detectParams, [trigger({ text: 'STOP', from: '16505551234' })]);
		expect(en[0].json.consentKeyword).toMatchObject({
			language: 'en',
			reply: expect.stringContaining('START'),
		});
	});

	it('button payload OPT_IN:marketing records marketing only; the button title is not a keyword', async () => {
		const [out] = await run(detectParams, [
			trigger({ type: 'button', button: { payload: 'OPT_IN:marketing', text: 'Quero receber' } }),
			trigger({ type: 'button', button: { payload: 'CANCEL_APPOINTMENT', text: 'Cancelar' } }),
			trigger({
				type: 'interactive',
				interactive: { type: 'button_reply', buttonReply: { id: 'OPT_OUT', title: 'Sair' } },
			}),
		]);
		expect(out[0].json.consentKeyword).toMatchObject({
			action: 'opt_in',
			purposes: ['marketing'],
			source: 'payload',
		});
		expect(out[1].json.consentKeyword).toBeNull();
		expect(out[2].json.consentKeyword).toMatchObject({ action: 'opt_out', purposes: ['*'] });
	});

	it("a template button captioned like a keyword (trigger's real item, caption copied to text) is not an opt-out", async () => {
		const tap = (id: string, payload: string, caption: string) => ({
			object: 'whatsapp_business_account',
			entry: [
				{
					id: 'WABA',
					changes: [
						{
							field: 'messages',
							value: {
								messaging_product: 'whatsapp',
								metadata: { display_phone_number: '15550001111', phone_number_id: '100' },
								contacts: [{ profile: { name: 'Ana' }, wa_id: '5511911110000' }],
								messages: [
									{
										from: '5511911110000',
										id,
										timestamp: String(Math.floor((now - 1000) / 1000)),
										type: 'button',
										button: { payload, text: caption },
									},
								],
							},
						},
					],
				},
			],
		});
		const items = [
			tap('wamid.T1', 'CANCEL:APPT-1', 'Stop'),
			tap('wamid.T2', 'CANCEL:APPT-2', 'Cancelar'),
		].map((body) => {
			const parsed = parseEvents(JSON.stringify(body));
			if (!parsed.ok) throw new Error('fixture did not parse');
			return { json: parsed.events[0] as unknown as INodeExecutionData['json'] };
		});
		expect(items[0].json.text).toBe('Stop'); // what the trigger really emits
		const [out] = await run(detectParams, items);
		expect(out.map((o) => o.json.consentKeyword)).toEqual([null, null]);
		// Typed text with the same word is still an opt-out.
		const [typed] = await run(detectParams, [trigger({ text: 'Stop' })]);
		expect(typed[0].json.consentKeyword).toMatchObject({ action: 'opt_out' });
	});

	it('links phone and user ID from the trigger item: an opt-out via user ID-only message blocks the phone', async () => {
		await run(detectParams, [trigger({ text: 'oi', from: '5511911110000', userId: 'BR.555' })]); // no keyword: no link
		await run(detectParams, [trigger({ text: 'Quero', from: '5511911110000', userId: 'BR.555' })]);
		await run(detectParams, [trigger({ text: 'start', from: '5511911110000', userId: 'BR.555' })]); // links
		now += 5;
		const [out] = await run(detectParams, [trigger({ text: 'SAIR', from: null, userId: 'BR.555' })]);
		expect(out[0].json.consentKeyword).toMatchObject({
			action: 'opt_out',
			replyTo: 'BR.555',
			language: 'pt',
		});
		now += 5;
		const [, blocked] = await run(
			{ operation: 'check', recipient: '+5511911110000', purpose: 'telemedicine', options: {} },
			[{ json: {} }],
		);
		expect(blocked).toHaveLength(1);
	});

	it('raw Cloud API value items (built-in trigger shape) and Meta marketing stop events', async () => {
		const raw = {
			json: {
				messaging_product: 'whatsapp',
				contacts: [{ wa_id: '5511922220000', profile: { name: 'A' } }],
				messages: [
					{
						from: '5511922220000',
						id: 'wamid.RAW',
						timestamp: '1764072000',
						type: 'text',
						text: { body: 'Descadastrar' },
					},
				],
			},
		};
		const pref = {
			json: {
				event: 'user_preference',
				from: '5511933330000',
				userId: null,
				category: 'marketing_messages',
				value: 'stop',
				timestamp: null,
			},
		};
		const [out] = await run(detectParams, [raw, pref]);
		expect(out[0].json.consentKeyword).toMatchObject({ action: 'opt_out', keyword: 'DESCADASTRAR' });
		expect(audited[0].event.evidence.timestamp).toBe(1764072000 * 1000);
		expect(out[1].json.consentKeyword).toMatchObject({
			action: 'opt_out',
			purposes: ['marketing'],
			reply: null,
			source: 'user_preference',
		});
	});

	it('custom words, overrides and reply texts from options; replays are not recorded twice', async () => {
		const params = {
			...detectParams,
			options: {
				additionalOptOut: 'não quero mais',
				keywordOverrides: { rule: [{ phrase: 'CANCELAR', match: 'off' }] },
				replies: { reply: [{ language: 'pt', action: 'opt_out', text: 'Ok, removido.' }] },
			},
		};
		const msg = trigger({ text: 'Não quero mais!', messageId: 'wamid.SAME' });
		const [out] = await run(params, [msg, trigger({ text: 'Cancelar' })]);
		expect(out[0].json.consentKeyword).toMatchObject({ action: 'opt_out', reply: 'Ok, removido.' });
		expect(out[1].json.consentKeyword).toBeNull();
		const [again] = await run(params, [msg]);
		expect(again[0].json.consentKeyword).toMatchObject({ alreadyRecorded: true });
		expect(audited).toHaveLength(1);
	});

	it('a keyword from a sender with a malformed id errors with the field (or an error item)', async () => {
		const bad = trigger({ text: 'STOP', from: '12', userId: null });
		await expect(run(detectParams, [bad])).rejects.toThrow(/^from: /);
		const [out] = await run(detectParams, [bad, trigger({ text: 'hello' })], true);
		expect(out[0].json.error).toMatchObject({ message: expect.stringMatching(/^from: /) });
		expect(out[1].json.consentKeyword).toBeNull();
	});
});

describe('Get History', () => {
	it('returns the timeline, current state per purpose and a FHIR Bundle', async () => {
		await run(detectParams, [trigger({ text: 'PARAR', messageId: 'wamid.H1' })]);
		const [[out]] = await run(
			{
				operation: 'getHistory',
				recipient: '+5511911110000',
				format: 'both',
				options: { includeEvidenceText: true },
			},
			[{ json: {} }],
		);
		expect(out.pairedItem).toEqual({ item: 0 });
		expect(out.json.patient).toEqual({ phone: '+5511911110000', userId: null });
		expect(out.json.events).toEqual([
			expect.objectContaining({
				action: 'opt_out',
				purpose: 'all',
				keyword: 'PARAR',
				sourceMessageId: 'wamid.H1',
				textShown: 'PARAR',
			}),
		]);
		expect((out.json.current as Record<string, unknown>).appointment_reminders).toEqual({
			allowed: false,
			reason: 'opted_out',
		});
		const fhir = out.json.fhir as {
			resourceType: string;
			entry: Array<{ resource: { resourceType: string; provision: { type: string } } }>;
		};
		expect(fhir.resourceType).toBe('Bundle');
		expect(fhir.entry[0].resource).toMatchObject({ resourceType: 'Consent', provision: { type: 'deny' } });
	});
});

describe('store failures: a failed lookup is an error, never Allowed', () => {
	const failReads = () => {
		repo.loadEvents = async () => {
			throw new Error('SQLITE_BUSY: database is locked');
		};
	};

	it('a failing store read becomes a NodeOperationError saying what to do, and nothing goes to Allowed', async () => {
		failReads();
		const error = await run(checkParams(), patients('a')).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toBe('Consent store error: SQLITE_BUSY: database is locked');
		expect((error as NodeOperationError).description).toBe(
			'No consent decision or change was made for the failing step. Check the Clinic Store credential and database, then retry.',
		);
	});

	it('with Continue On Fail a failing read sends every item to Blocked as an error item (n8n would pass the input to Allowed)', async () => {
		failReads();
		const [allowed, blocked] = await run(checkParams(), patients('a', 'b', 'c'), true);
		expect(allowed).toEqual([]);
		expect(blocked.map((b) => b.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(blocked[0].json).toMatchObject({
			phone: 'a',
			name: 'x',
			error: {
				message: 'Consent store error: SQLITE_BUSY: database is locked',
				code: 'store_error',
				hint: expect.stringContaining('Check the Clinic Store credential'),
			},
		});
		expect(blocked.every((b) => b.json.consent === undefined)).toBe(true);
	});

	it('a store that cannot be opened (unreachable, PHI key that does not match) never lets an item through', async () => {
		openFailure = new Error('Clinic store unavailable: SQLITE_CANTOPEN: unable to open database file');
		await expect(run(checkParams(), patients('a'))).rejects.toThrow(/Clinic store unavailable/);
		const [allowed, blocked] = await run(checkParams(), patients('a', 'b'), true);
		expect(allowed).toEqual([]);
		expect(blocked.map((b) => b.json.error)).toEqual([
			expect.objectContaining({ message: expect.stringMatching(/SQLITE_CANTOPEN/) }),
			expect.objectContaining({ message: expect.stringMatching(/SQLITE_CANTOPEN/) }),
		]);
	});

	it('a store that answers for fewer patients than asked is a store error, not an empty consent record', async () => {
		const original = repo.loadEvents.bind(repo);
		repo.loadEvents = async (identities) => (await original(identities)).slice(1);
		const [allowed, blocked] = await run(checkParams(), patients('a', 'b'), true);
		expect(allowed).toEqual([]);
		expect(blocked[0].json.error).toMatchObject({ code: 'store_error' });
	});

	it('Record and Detect Keywords: a failing write or read is an error item with the hint, nothing passes as recorded', async () => {
		repo.append = async () => {
			throw new Error('SQLITE_BUSY: database is locked');
		};
		const [[rec]] = await run(
			{ operation: 'recordOptOut', recipient: '+5511911110000', purposes: ['all'], options: {} },
			[{ json: { row: 1 } }],
			true,
		);
		expect(rec.json).toMatchObject({
			row: 1,
			error: { message: 'Consent store error: SQLITE_BUSY: database is locked', code: 'store_error' },
		});
		expect(rec.json.consentRecord).toBeUndefined();
		failReads();
		const [out] = await run(detectParams, [trigger({ text: 'Sim' }), trigger({ text: 'oi' })], true);
		expect(out.map((o) => o.json.error)).toEqual([
			expect.objectContaining({ code: 'store_error' }),
			expect.objectContaining({ code: 'store_error' }),
		]);
	});
});

describe('error items', () => {
	it('carry the shared error object (code, field, hint…) next to the input fields, not a top-level error', async () => {
		const [, blocked] = await run(checkParams(), patients('a', 'b', 'c', 'd'), true);
		expect(blocked[0].json).toEqual({
			phone: 'd',
			name: 'x',
			error: expect.objectContaining({
				code: 'invalid_input',
				field: 'Recipient',
				description: 'Fix the "Recipient" parameter.',
				retryable: null,
			}),
		});
		expect(blocked[0].error).toBeUndefined();
	});

	it('bad Detect Keywords options name the option to fix', async () => {
		const error = await run({ ...detectParams, options: { maxWords: 0 } }, [trigger({ text: 'oi' })]).catch(
			(e: unknown) => e,
		);
		expect((error as NodeOperationError).message).toMatch(/^maxWords: /);
		expect((error as NodeOperationError).description).toBe('Fix the "Short Message Max Words" option.');
	});
});
