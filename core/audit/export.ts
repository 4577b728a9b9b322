/**
 * Exports for auditors: CSV (one row per entry) and a FHIR R4 Bundle (type `collection`) of AuditEvent resources.
 * PHI (phone, content) is included only when `includeContent` is set; otherwise patients appear as keyed digests.
 */
import { ClinicError } from '../errors';
import { type AuditQuery, type AuditView, iterateAuditViews } from './query';
import type { AuditSource } from './repositories';

export interface ExportOptions extends Omit<AuditQuery, 'limit' | 'cursor' | 'order'> {
	/** Stop with an error above this many entries (default 200,000). */
	maxEntries?: number;
	/** Name of this system in AuditEvent.source.observer (default "n8n-nodes-whatsapp-clinic"). */
	observer?: string;
	now?: () => Date;
}

export interface ExportFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
	entries: number;
}

async function collect(source: AuditSource, options: ExportOptions): Promise<AuditView[]> {
	const max = options.maxEntries ?? 200_000;
	const views: AuditView[] = [];
	for await (const view of iterateAuditViews(source, options)) {
		if (views.length >= max) {
			throw new ClinicError(`The export has more than ${max} entries: narrow the period or the patient`, {
				code: 'invalid_input',
				field: 'Filters',
				hint: 'Add a From/To period or a patient filter, and export in several parts.',
			});
		}
		views.push(view);
	}
	return views;
}

function stamp(now: Date): string {
	return now.toISOString().replace(/[:.]/g, '-');
}

/** CSV cell: quoted when needed; cells starting with = + - @ are prefixed with ' so spreadsheets do not run them. */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let s =
		typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
	if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportAuditCsv(source: AuditSource, options: ExportOptions = {}): Promise<ExportFile> {
	const views = await collect(source, options);
	const header = [
		'seq',
		'recorded_at',
		'kind',
		'direction',
		'event',
		'outcome',
		'patient_digest',
		...(options.includeContent ? ['patient_phone'] : []),
		'user_id',
		'message_digest',
		...(options.includeContent ? ['message_id'] : []),
		'template',
		'purpose',
		'workflow_id',
		'execution_id',
		'node',
		'content_digest',
		...(options.includeContent ? ['content'] : []),
		'details',
		'hash',
	];
	const lines = [header.join(',')];
	for (const v of views) {
		const cells: unknown[] = [
			v.seq,
			v.recordedAt,
			v.kind,
			v.direction,
			v.event,
			v.outcome,
			v.patientDigest,
			...(options.includeContent ? [v.patientPhone] : []),
			v.userId,
			v.messageDigest,
			...(options.includeContent ? [v.messageId] : []),
			v.template,
			v.purpose,
			v.actor.workflowId,
			v.actor.executionId,
			v.actor.node,
			v.contentDigest,
			...(options.includeContent ? [v.content] : []),
			v.details,
			v.hash,
		];
		lines.push(cells.map(csvCell).join(','));
	}
	const now = (options.now ?? (() => new Date()))();
	return {
		data: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'),
		fileName: `audit-log-${stamp(now)}.csv`,
		mimeType: 'text/csv',
		entries: views.length,
	};
}

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

/** AuditEvent.type per direction (DICOM audit event ids). */
function eventType(v: AuditView): { system: string; code: string; display: string } {
	if (v.kind === 'anchor') return { system: DCM, code: '110101', display: 'Audit Log Used' };
	switch (v.direction) {
		case 'outbound':
			return { system: DCM, code: '110106', display: 'Export' };
		case 'inbound':
			return { system: DCM, code: '110107', display: 'Import' };
		default:
			return { system: DCM, code: '110100', display: 'Application Activity' };
	}
}

/** AuditEvent.action: C create (inbound stored), E execute (message sent / system), U update (status), D delete (purge). */
function eventAction(v: AuditView): 'C' | 'E' | 'U' | 'D' {
	if (v.kind === 'anchor') return 'D';
	if (v.direction === 'inbound') return 'C';
	if (v.direction === 'status') return 'U';
	return 'E';
}

const OUTCOME_CODE: Record<string, '0' | '4' | '8' | '12'> = {
	success: '0',
	'minor-failure': '4',
	'serious-failure': '8',
	'major-failure': '12',
};

/** The message ID when PHI output is on, else its keyed digest, else the entry's place in the chain. */
function messageIdentifier(v: AuditView): { system: string; value: string } {
	if (v.messageId) return { system: 'urn:whatsapp:message-id', value: v.messageId };
	if (v.messageDigest)
		return { system: 'urn:n8n-nodes-whatsapp-clinic:message-id-hmac-sha256', value: v.messageDigest };
	return { system: 'urn:n8n-nodes-whatsapp-clinic:audit-seq', value: String(v.seq) };
}

export function toAuditEvent(v: AuditView, observer: string): Record<string, unknown> {
	const entity: Array<Record<string, unknown>> = [];
	if (v.patientDigest || v.userId || v.patientPhone) {
		const identifiers: Record<string, unknown> = v.patientPhone
			? { system: 'urn:ietf:rfc:3966', value: `tel:${v.patientPhone}` }
			: v.patientDigest
				? { system: 'urn:n8n-nodes-whatsapp-clinic:patient-phone-hmac-sha256', value: v.patientDigest }
				: { system: 'urn:whatsapp:business-scoped-user-id', value: v.userId };
		entity.push({
			what: { identifier: identifiers, ...(v.userId ? { display: `WhatsApp user ${v.userId}` } : {}) },
			type: {
				system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
				code: '1',
				display: 'Person',
			},
			role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
		});
	}
	const detail: Array<{ type: string; valueString: string }> = [];
	const add = (type: string, value: unknown) => {
		if (value !== null && value !== undefined && value !== '') {
			detail.push({ type, valueString: typeof value === 'string' ? value : JSON.stringify(value) });
		}
	};
	add('event', v.event);
	add('template', v.template);
	add('contentSha256', v.contentDigest);
	add('content', v.content);
	add('details', v.details);
	add('chainSeq', String(v.seq));
	add('chainHash', v.hash);
	entity.push({
		what: { identifier: messageIdentifier(v) },
		type: {
			system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
			code: '2',
			display: 'System Object',
		},
		...(detail.length ? { detail } : {}),
	});
	const agentName = [v.actor.node, v.actor.workflowId ? `workflow ${v.actor.workflowId}` : null]
		.filter(Boolean)
		.join(' / ');
	return {
		resourceType: 'AuditEvent',
		id: `audit-${v.seq}`,
		type: eventType(v),
		action: eventAction(v),
		recorded: v.recordedAt,
		outcome: OUTCOME_CODE[v.outcome] ?? '0',
		...(v.outcome !== 'success' && typeof v.details?.error === 'string'
			? { outcomeDesc: v.details.error }
			: {}),
		...(v.purpose ? { purposeOfEvent: [{ text: v.purpose }] } : {}),
		agent: [
			{
				type: {
					coding: [
						{
							system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
							code: 'dataprocessor',
							display: 'data processor',
						},
					],
				},
				who: {
					identifier: { system: 'urn:n8n:workflow', value: v.actor.workflowId ?? 'unknown' },
					...(agentName ? { display: agentName } : {}),
				},
				...(v.actor.executionId ? { altId: `execution ${v.actor.executionId}` } : {}),
				...(v.actor.node ? { name: v.actor.node } : {}),
				requestor: false,
			},
		],
		source: {
			observer: { display: observer },
			type: [
				{
					system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
					code: '4',
					display: 'Application Server',
				},
			],
		},
		entity,
	};
}

export async function exportAuditFhirBundle(
	source: AuditSource,
	options: ExportOptions = {},
): Promise<ExportFile> {
	const views = await collect(source, options);
	const now = (options.now ?? (() => new Date()))();
	const observer = options.observer ?? 'n8n-nodes-whatsapp-clinic';
	const bundle = {
		resourceType: 'Bundle',
		type: 'collection',
		timestamp: now.toISOString(),
		entry: views.map((v) => ({
			fullUrl: `urn:uuid:${uuidFromHash(v.hash)}`,
			resource: toAuditEvent(v, observer),
		})),
	};
	return {
		data: Buffer.from(JSON.stringify(bundle, null, 2), 'utf8'),
		fileName: `audit-log-${stamp(now)}.fhir.json`,
		mimeType: 'application/fhir+json',
		entries: views.length,
	};
}

/** Stable UUID-shaped id derived from the entry hash (same entry → same fullUrl in every export). */
function uuidFromHash(hash: string): string {
	const h = hash.slice(0, 32).split('');
	h[12] = '5';
	h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
	const s = h.join('');
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
