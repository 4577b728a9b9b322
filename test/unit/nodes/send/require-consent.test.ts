/**
 * "Require Consent for Purpose" on WhatsApp Send Template / Send Message: consent recorded in a real SQLite clinic
 * store (temp file, opened through the node's Clinic Store credential) decides, with ONE read right before sending,
 * who is messaged. Blocked patients are regular output items (sent: false + reason), never sent to the Graph API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import { queryAuditEntries, verifyAuditChain } from '../../../../core/audit';
import type { PatientIdentity } from '../../../../core/consent/identity';
import { SqlConsentRepository } from '../../../../core/consent/repositories/sql';
import { ConsentService } from '../../../../core/consent/service';
import { closeAllClinicStores, openClinicStore } from '../../../../core/store';
import type { ClinicStore } from '../../../../core/store/ports';
import { resetSharedLimiters } from '../../../../core/whatsapp/rate-limiter';
import { PURPOSE_OPTIONS } from '../../../../nodes/shared/consent-fields';
import { storeConfigFromCredential } from '../../../../nodes/shared/store';
import { WhatsAppSendMessage } from '../../../../nodes/WhatsAppSendMessage/WhatsAppSendMessage.node';
import { WhatsAppSendTemplate } from '../../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { FakeGraph, metaError, rl, sendContext } from './fake-context';

const sendTemplate = new WhatsAppSendTemplate();
const sendMessage = new WhatsAppSendMessage();

let dir: string;
let fileNo = 0;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'wac-require-consent-'));
});
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => resetSharedLimiters());
afterEach(() => jest.restoreAllMocks());

function newStoreCredential(): Record<string, unknown> {
	return {
		backend: 'sqlite',
		sqlitePath: join(dir, `clinic-${++fileNo}.sqlite`),
		phiKey: 'a-long-test-passphrase-for-the-phi-key',
		phiKeyId: 'k1',
	};
}

/** The same (cached) store the node opens through its credential. */
async function storeOf(credential: Record<string, unknown>): Promise<ClinicStore> {
	return await openClinicStore(storeConfigFromCredential(credential as never, { host: hostname() }));
}

const evidence = (text: string) => ({
	sourceMessageId: `wamid.${text}.${Math.random()}`,
	textShown: text,
	channel: 'whatsapp',
	timestamp: Date.now() - 60_000,
	actor: { workflowId: 'wf-consent', executionId: 'e1', node: 'Consent Check' },
});

/** Records consent the way the Consent Check node does (same store, same service). */
async function record(
	credential: Record<string, unknown>,
	identity: Partial<PatientIdentity>,
	action: 'optIn' | 'optOut',
	purposes: string[],
): Promise<void> {
	const service = new ConsentService({ repository: new SqlConsentRepository(await storeOf(credential)) });
	const who = { phone: identity.phone ?? null, userId: identity.userId ?? null };
	if (action === 'optIn') await service.recordOptIn(who, { purposes, evidence: evidence('SIM') });
	else await service.recordOptOut(who, { purposes, evidence: evidence('PARAR') });
}

const OPTED_OUT = '+5511911110001';
const NO_RECORD = '+5511911110002';
const MARKETING_OPT_OUT = '+5511911110003';
const BSUID_OPTED_OUT = 'BR.13491208655302741918';
const OPTED_IN = '+5511911110005';

const reminder = {
	header_1: 'Clínica Sol',
	body_1: 'Ana',
	body_2: '12/03',
	body_3: '09:30',
	button_0_payload: 'confirm:APPT-1',
};
const templateParams = (recipients: string[], extra: Record<string, unknown> = {}) => ({
	recipient: (i: number) => recipients[i],
	template: rl('appointment_reminder|pt_BR'),
	parameterSource: 'mapper',
	templateParameters: { mappingMode: 'defineBelow', value: reminder, matchingColumns: [], schema: [] },
	options: {},
	...extra,
});
const itemsFor = (recipients: string[]) => recipients.map(() => ({ json: {} }));
const sentTo = (graph: FakeGraph) => graph.messages.map((m) => m.to ?? m.recipient);

describe('WhatsApp Send Template: Require Consent for Purpose', () => {
	it('skips opted-out patients (phone and user ID), sends the others, output in order with consent', async () => {
		const cred = newStoreCredential();
		await record(cred, { phone: OPTED_OUT }, 'optOut', ['appointment_reminders']);
		await record(cred, { phone: MARKETING_OPT_OUT }, 'optOut', ['marketing']);
		await record(cred, { userId: BSUID_OPTED_OUT }, 'optOut', ['*']);
		const recipients = [OPTED_OUT, NO_RECORD, MARKETING_OPT_OUT, BSUID_OPTED_OUT];
		const graph = new FakeGraph();
		const check = jest.spyOn(ConsentService.prototype, 'check');
		const loads = jest.spyOn(SqlConsentRepository.prototype, 'loadEvents');
		const { ctx } = sendContext(
			{
				graph,
				items: itemsFor(recipients),
				params: templateParams(recipients, { requireConsent: 'appointment_reminders' }),
			},
			cred,
		);

		const [out] = await sendTemplate.execute.call(ctx);

		// Only the allowed patients reached WhatsApp.
		expect(sentTo(graph).sort()).toEqual([NO_RECORD, MARKETING_OPT_OUT].sort());
		// ONE consent read for every item before the first send, then each send's own re-read right before it left
		// (sends leaving together share one read): one request per message sent, one repository read per check.
		const [batch, ...perSend] = check.mock.calls.map(([requests]) => requests);
		expect(batch).toHaveLength(4);
		expect(perSend.flat().map((r) => r.identity.phone)).toEqual(
			expect.arrayContaining([NO_RECORD, MARKETING_OPT_OUT]),
		);
		expect(perSend.flat()).toHaveLength(2);
		expect(loads).toHaveBeenCalledTimes(check.mock.calls.length);

		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(out[0].json).toEqual({
			status: 'blocked',
			sent: false,
			idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
			consent: {
				allowed: false,
				reason: 'opted_out',
				purpose: 'appointment_reminders',
				since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			},
			recipient: OPTED_OUT,
			recipientType: 'phone',
			templateName: 'appointment_reminder',
			templateLanguage: 'pt_BR',
		});
		expect(out[0].json).not.toHaveProperty('messageId');
		expect(out[0].json).not.toHaveProperty('error');
		expect(out[3].json).toMatchObject({
			sent: false,
			recipient: BSUID_OPTED_OUT,
			recipientType: 'user_id',
			consent: { allowed: false, reason: 'opted_out' },
		});
		for (const i of [1, 2]) {
			expect(out[i].json).toMatchObject({
				messageId: expect.stringMatching(/^wamid\./),
				recipient: recipients[i],
				consent: {
					allowed: true,
					purpose: 'appointment_reminders',
					basis: 'policy',
					since: null,
					checkedAt: expect.any(String),
				},
			});
			expect(out[i].json.sent).toBeUndefined();
		}
	});

	it('reads the store on every run (no cache): an opt-out recorded between two runs blocks the second', async () => {
		const cred = newStoreCredential();
		const run = async () => {
			const graph = new FakeGraph();
			const { ctx } = sendContext(
				{
					graph,
					items: itemsFor([NO_RECORD]),
					params: templateParams([NO_RECORD], { requireConsent: 'telemedicine' }),
				},
				cred,
			);
			const [out] = await sendTemplate.execute.call(ctx);
			return { out, sent: graph.messages.length };
		};
		expect((await run()).sent).toBe(1);
		await record(cred, { phone: NO_RECORD }, 'optOut', ['*']);
		const second = await run();
		expect(second.sent).toBe(0);
		expect(second.out[0].json).toMatchObject({
			sent: false,
			consent: { reason: 'opted_out', purpose: 'telemedicine' },
		});
	});

	it('reads consent again right before each send: a patient opting out mid-batch is not sent to (SQLite)', async () => {
		const cred = newStoreCredential();
		const recipients = Array.from({ length: 6 }, (_, i) => `+55119222200${String(i).padStart(2, '0')}`);
		const late = recipients[4];
		const graph = new FakeGraph();
		let optOut: Promise<void> | undefined;
		// The patient writes PARAR while the first reminder is being sent (workflow 01 records it in the same store).
		graph.responder = () => {
			optOut ??= record(cred, { phone: late }, 'optOut', ['*']);
			return undefined;
		};
		const { ctx } = sendContext(
			{
				graph,
				items: itemsFor(recipients),
				// 5 messages per second: the batch takes about a second, like a long one at 80 msg/s.
				params: templateParams(recipients, {
					requireConsent: 'appointment_reminders',
					options: { messagesPerSecond: 5 },
				}),
			},
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		await optOut;
		expect(sentTo(graph)).not.toContain(late);
		expect(sentTo(graph)).toHaveLength(5);
		expect(out[4].json).toMatchObject({
			status: 'blocked',
			sent: false,
			recipient: late,
			consent: { allowed: false, reason: 'opted_out', purpose: 'appointment_reminders' },
		});
		expect(out.filter((o) => o.json.status === 'sent')).toHaveLength(5);
	});

	it('Lab Results needs an opt-in (Consent Check policy defaults): no record → not sent; opt-in → sent', async () => {
		const cred = newStoreCredential();
		await record(cred, { phone: OPTED_IN }, 'optIn', ['lab_results']);
		const recipients = [NO_RECORD, OPTED_IN];
		const graph = new FakeGraph();
		const { ctx } = sendContext(
			{
				graph,
				items: itemsFor(recipients),
				params: templateParams(recipients, { requireConsent: 'lab_results' }),
			},
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		expect(sentTo(graph)).toEqual([OPTED_IN]);
		expect(out[0].json).toMatchObject({
			sent: false,
			consent: { allowed: false, reason: 'no_record', since: null },
		});
		expect(out[1].json).toMatchObject({
			consent: { allowed: true, basis: 'opt_in', since: expect.any(String) },
		});
	});

	it('Custom purpose follows the Consent Purpose Policies (opt-in required by default)', async () => {
		const cred = newStoreCredential();
		const run = async (extra: Record<string, unknown>) => {
			const graph = new FakeGraph();
			const { ctx } = sendContext(
				{
					graph,
					items: itemsFor([NO_RECORD]),
					params: templateParams([NO_RECORD], {
						requireConsent: 'custom',
						requireConsentCustomPurpose: 'Vaccination_Campaign ',
						...extra,
					}),
				},
				cred,
			);
			const [out] = await sendTemplate.execute.call(ctx);
			return { json: out[0].json, sent: graph.messages.length };
		};
		const strict = await run({});
		expect(strict.sent).toBe(0);
		expect(strict.json.consent).toMatchObject({ purpose: 'vaccination_campaign', reason: 'no_record' });
		const relaxed = await run({
			requireConsentPolicies: {
				policy: [{ purpose: 'vaccination_campaign', mode: 'allowed_unless_opted_out', validityDays: 0 }],
			},
		});
		expect(relaxed.sent).toBe(1);
		expect(relaxed.json.consent).toMatchObject({ allowed: true, basis: 'policy' });
	});

	it('an invalid custom purpose is an error naming the field; nothing is sent', async () => {
		const graph = new FakeGraph();
		const { ctx } = sendContext(
			{
				graph,
				items: itemsFor([NO_RECORD]),
				params: templateParams([NO_RECORD], {
					requireConsent: 'custom',
					requireConsentCustomPurpose: 'Flu shots!',
				}),
			},
			newStoreCredential(),
		);
		const error = await sendTemplate.execute.call(ctx).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(
			/^Custom Consent Purpose: "Flu shots!" is not a valid consent purpose/,
		);
		expect(graph.messages).toHaveLength(0);
	});

	it('without a Clinic Store credential: clear error naming the option and the fix, nothing sent', async () => {
		const graph = new FakeGraph();
		const { ctx, credentialTypes } = sendContext(
			{
				graph,
				items: itemsFor([NO_RECORD]),
				params: templateParams([NO_RECORD], { requireConsent: 'appointment_reminders' }),
			},
			null,
		);
		const error = (await sendTemplate.execute.call(ctx).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('"Require Consent for Purpose" needs a Clinic Store credential');
		expect(error.description).toMatch(
			/Select the Clinic Store credential .* or set "Require Consent for Purpose" to Off/,
		);
		expect(graph.requests).toHaveLength(0);
		expect(credentialTypes).not.toContain('clinicStoreApi');
	});

	it('consent store failure: nothing is sent and the error says so (also with Continue On Fail)', async () => {
		const cred = newStoreCredential();
		for (const continueOnFail of [false, true]) {
			jest
				.spyOn(SqlConsentRepository.prototype, 'loadEvents')
				.mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
			const graph = new FakeGraph();
			const { ctx } = sendContext(
				{
					graph,
					continueOnFail,
					items: itemsFor([NO_RECORD, MARKETING_OPT_OUT]),
					params: templateParams([NO_RECORD, MARKETING_OPT_OUT], { requireConsent: 'appointment_reminders' }),
				},
				cred,
			);
			const error = (await sendTemplate.execute.call(ctx).catch((e: unknown) => e)) as NodeOperationError;
			expect(error).toBeInstanceOf(NodeOperationError);
			// The consent service may wrap the store's error ("Consent store error: …"); the cause is kept either way.
			expect(error.message).toMatch(
				/^"Require Consent for Purpose": could not read the patients’ consent: (Consent store error: )?SQLITE_BUSY: database is locked$/,
			);
			expect(error.description).toMatch(/^Nothing was sent\./);
			expect(graph.messages).toHaveLength(0);
		}
	});

	it('unreachable store: the error comes before any request to WhatsApp', async () => {
		const graph = new FakeGraph();
		// A path under a regular file: the database can never be opened.
		writeFileSync(join(dir, 'not-a-folder'), 'x');
		const cred = { ...newStoreCredential(), sqlitePath: join(dir, 'not-a-folder', 'clinic.sqlite') };
		const { ctx } = sendContext(
			{
				graph,
				items: itemsFor([NO_RECORD]),
				params: templateParams([NO_RECORD], { requireConsent: 'appointment_reminders' }),
			},
			cred,
		);
		const error = (await sendTemplate.execute.call(ctx).catch((e: unknown) => e)) as Error;
		expect(error).toBeInstanceOf(NodeOperationError);
		// (n8n rewrites the message of file-system errors; the original stays in `messages`.)
		expect((error as NodeOperationError).messages.join()).toMatch(/^Clinic store unavailable: EEXIST/);
		expect((error as NodeOperationError).description).toMatch(/Check the Clinic Store credential/);
		expect(graph.requests).toHaveLength(0);
	});

	it('Continue On Fail: bad recipients and Meta failures are error items, blocked ones regular, all in order', async () => {
		const cred = newStoreCredential();
		await record(cred, { phone: OPTED_OUT }, 'optOut', ['*']);
		const recipients = [NO_RECORD, 'not a phone', OPTED_OUT, MARKETING_OPT_OUT];
		const graph = new FakeGraph();
		graph.responder = (req) =>
			req.body?.to === MARKETING_OPT_OUT ? metaError(131026, 'Message undeliverable') : undefined;
		const check = jest.spyOn(ConsentService.prototype, 'check');
		const { ctx } = sendContext(
			{
				graph,
				continueOnFail: true,
				items: itemsFor(recipients),
				params: templateParams(recipients, { requireConsent: 'appointment_reminders' }),
			},
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		const [batch, ...perSend] = check.mock.calls.map(([requests]) => requests.length);
		expect(batch).toBe(3);
		// Re-read right before each of the two sends that left (the blocked one never gets there).
		expect(perSend.reduce((a, b) => a + b, 0)).toBe(2);
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(out[0].json).toMatchObject({ messageId: expect.any(String), consent: { allowed: true } });
		expect(out[1].json.error).toMatchObject({ field: 'Recipient' });
		expect(out[2].json).toMatchObject({ sent: false, consent: { allowed: false, reason: 'opted_out' } });
		expect(out[2].json.error).toBeUndefined();
		expect(out[3].json).toMatchObject({ recipient: MARKETING_OPT_OUT, consent: { allowed: true } });
		expect((out[3].json.error as { code?: number }).code).toBe(131026);
		expect(sentTo(graph).sort()).toEqual([NO_RECORD, MARKETING_OPT_OUT].sort());
	});

	it('with Audit to Store: a blocked item is audited as message.blocked (not sent, reason, no content)', async () => {
		const cred = newStoreCredential();
		await record(cred, { phone: OPTED_OUT }, 'optOut', ['appointment_reminders']);
		const recipients = [OPTED_OUT, NO_RECORD];
		const graph = new FakeGraph();
		const { ctx } = sendContext(
			{
				graph,
				items: itemsFor(recipients),
				params: templateParams(recipients, { requireConsent: 'appointment_reminders', auditToStore: true }),
			},
			cred,
		);
		const [out] = await sendTemplate.execute.call(ctx);
		const store = await storeOf(cred);
		const entries = (
			await queryAuditEntries(store, { includeContent: true, order: 'asc', direction: 'outbound' })
		).entries;
		expect(entries.map((e) => [e.event, e.outcome, e.patientPhone, e.purpose])).toEqual([
			['message.blocked', 'minor-failure', OPTED_OUT, 'appointment_reminders'],
			['message.sent', 'success', NO_RECORD, 'appointment_reminders'],
		]);
		expect(entries[0]).toMatchObject({ messageId: null, content: null, template: 'appointment_reminder' });
		expect(entries[0].details).toMatchObject({
			sent: false,
			blockedBy: 'consent',
			consentReason: 'opted_out',
		});
		expect(entries[1].messageId).toBe(out[1].json.messageId);
		expect(entries[1].details).toMatchObject({ consentBasis: 'policy' });
		expect((await verifyAuditChain(store)).valid).toBe(true);
	});

	it('Off (default): the Clinic Store is never read and nothing carries consent', async () => {
		const graph = new FakeGraph();
		const { ctx, credentialTypes } = sendContext(
			{ graph, items: itemsFor([OPTED_OUT]), params: templateParams([OPTED_OUT]) },
			newStoreCredential(),
		);
		const [out] = await sendTemplate.execute.call(ctx);
		expect(graph.messages).toHaveLength(1);
		expect(out[0].json.consent).toBeUndefined();
		expect(credentialTypes).not.toContain('clinicStoreApi');
	});
});

describe('WhatsApp Send Message: Require Consent for Purpose', () => {
	it('Send Text skips the opted-out patient and sends to the others', async () => {
		const cred = newStoreCredential();
		await record(cred, { phone: OPTED_OUT }, 'optOut', ['*']);
		const recipients = [OPTED_OUT, NO_RECORD];
		const graph = new FakeGraph();
		const { ctx } = sendContext(
			{
				graph,
				items: itemsFor(recipients),
				params: {
					operation: 'text',
					recipient: (i: number) => recipients[i],
					text: 'Your video consultation starts in 10 minutes',
					options: {},
					requireConsent: 'telemedicine',
				},
			},
			cred,
		);
		const [out] = await sendMessage.execute.call(ctx);
		expect(sentTo(graph)).toEqual([NO_RECORD]);
		expect(out[0].json).toEqual({
			status: 'blocked',
			sent: false,
			idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
			consent: expect.objectContaining({ allowed: false, reason: 'opted_out', purpose: 'telemedicine' }),
			recipient: OPTED_OUT,
			recipientType: 'phone',
			type: 'text',
		});
		// Blocked items never carry the message body.
		expect(JSON.stringify(out[0].json)).not.toContain('consultation');
		expect(out[1].json).toMatchObject({ messageId: expect.any(String), consent: { allowed: true } });
	});

	it('Mark as Read never checks consent (it messages no one)', async () => {
		const graph = new FakeGraph();
		const { ctx, credentialTypes } = sendContext(
			{
				graph,
				params: { operation: 'markAsRead', messageId: 'wamid.IN1', requireConsent: 'marketing' },
			},
			newStoreCredential(),
		);
		const [out] = await sendMessage.execute.call(ctx);
		expect(out[0].json).toMatchObject({ success: true });
		expect(credentialTypes).not.toContain('clinicStoreApi');
	});
});

describe('Require Consent for Purpose: parameters', () => {
	it('both nodes: Off by default, the Consent Check purposes, every field documented', () => {
		for (const d of [sendTemplate.description, sendMessage.description]) {
			const option = d.properties.find((p) => p.name === 'requireConsent')!;
			expect(option).toMatchObject({
				displayName: 'Require Consent for Purpose',
				type: 'options',
				default: 'off',
			});
			expect(option.options!.map((o) => (o as { value: string }).value)).toEqual([
				'off',
				...PURPOSE_OPTIONS.map((o) => o.value),
			]);
			for (const name of ['requireConsent', 'requireConsentCustomPurpose', 'requireConsentPolicies']) {
				const p = d.properties.find((x) => x.name === name)!;
				expect(p.description).toEqual(expect.any(String));
				expect(p.default).toBeDefined();
			}
			expect(option.hint).toMatch(/not fail/);
		}
	});

	it('the editor shows the custom purpose and policies only when relevant, nothing for Mark as Read', () => {
		const d = sendMessage.description;
		const node = { id: 'n', name: 'n', type: d.name, typeVersion: 1, position: [0, 0] as [number, number] };
		const shown = (name: string, params: Record<string, unknown>) => {
			const stored = NodeHelpers.getNodeParameters(d.properties, params as never, true, false, node, d);
			const prop = d.properties.find((p) => p.name === name)!;
			return NodeHelpers.displayParameter(stored!, prop, node, d);
		};
		expect(shown('requireConsent', { operation: 'text' })).toBe(true);
		expect(shown('requireConsent', { operation: 'markAsRead' })).toBe(false);
		expect(shown('requireConsentCustomPurpose', { operation: 'text', requireConsent: 'marketing' })).toBe(
			false,
		);
		expect(shown('requireConsentCustomPurpose', { operation: 'text', requireConsent: 'custom' })).toBe(true);
		expect(shown('requireConsentPolicies', { operation: 'text' })).toBe(false);
		expect(shown('requireConsentPolicies', { operation: 'text', requireConsent: 'lab_results' })).toBe(true);
		const cred = d.credentials!.find((c) => c.name === 'clinicStoreApi')!;
		expect(
			NodeHelpers.displayParameter({ operation: 'text', requireConsent: 'lab_results' }, cred, node, d),
		).toBe(true);
	});
});
