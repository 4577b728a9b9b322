/**
 * Export of a consent timeline as FHIR R4 `Consent` resources (one per recorded event).
 *
 * - status: `active` for the event that currently governs its purpose (and, for an opt-in, has not expired);
 *   `inactive` for superseded or expired events.
 * - scope: consentscope `patient-privacy` (these are consents to use the patient's contact data for a purpose).
 * - category: LOINC 59284-0 "Patient Consent" (as in the R4 examples).
 * - patient: identifier reference: phone as a `tel:` URI (system urn:ietf:rfc:3966), else the user ID.
 * - policyRule: v3-ActCode OPTIN / OPTOUT.
 * - provision: type permit (opt-in) | deny (opt-out), purpose = the purpose's v3-ActReason coding (TREAT,
 *   HMARKT, HOPERAT…), period start = recorded time, end = expiry of an opt-in. The purpose id of this package goes
 *   into `provision.code[0].text`; an opt-out of every purpose (STOP) has no `purpose` restriction.
 * - sourceAttachment: the evidence text (what the patient saw/sent), only when `includeEvidenceText` is set
 *   (it is PHI).
 */
import { expiryOf, latestFor } from './decision';
import type { PatientIdentity } from './identity';
import { type ConsentPolicy, policyFor } from './policy';
import { ALL_PURPOSES, type PurposeDefinition, purposeDefinition } from './purposes';
import type { ConsentHistoryRecord, StoredConsentEvent } from './repositories/port';

export const USER_ID_SYSTEM = 'urn:whatsapp:business-scoped-user-id';
export const PHONE_SYSTEM = 'urn:ietf:rfc:3966';
export const CONSENT_EVENT_ID_SYSTEM = 'urn:n8n-nodes-whatsapp-clinic:consent-event';

export interface FhirCoding {
	system?: string;
	code?: string;
	display?: string;
}
export interface FhirCodeableConcept {
	coding?: FhirCoding[];
	text?: string;
}
export interface FhirConsent {
	resourceType: 'Consent';
	id: string;
	identifier: Array<{ system: string; value: string }>;
	status: 'active' | 'inactive';
	scope: FhirCodeableConcept;
	category: FhirCodeableConcept[];
	patient: { identifier: { system: string; value: string }; display?: string };
	dateTime: string;
	sourceAttachment?: { contentType: string; title: string; data: string };
	policyRule: FhirCodeableConcept;
	provision: {
		type: 'permit' | 'deny';
		period: { start: string; end?: string };
		purpose?: FhirCoding[];
		code?: FhirCodeableConcept[];
	};
}

export interface FhirExportOptions {
	policy: ConsentPolicy;
	now: number;
	includeEvidenceText?: boolean;
	customPurposes?: Record<string, Partial<PurposeDefinition>>;
}

function patientReference(identity: PatientIdentity) {
	if (identity.phone) return { identifier: { system: PHONE_SYSTEM, value: `tel:${identity.phone}` } };
	return { identifier: { system: USER_ID_SYSTEM, value: identity.userId ?? '' } };
}

const iso = (ms: number) => new Date(ms).toISOString();

function isActive(event: StoredConsentEvent, all: readonly StoredConsentEvent[], options: FhirExportOptions) {
	// An event is current when no later event governs any purpose it covers.
	const purposes = event.purpose === ALL_PURPOSES ? [ALL_PURPOSES] : [event.purpose];
	const current = purposes.some((p) => {
		const latest =
			p === ALL_PURPOSES
				? all.reduce<StoredConsentEvent | undefined>(
						(acc, e) =>
							e.purpose === ALL_PURPOSES &&
							(!acc ||
								e.recordedAt > acc.recordedAt ||
								(e.recordedAt === acc.recordedAt && e.sequence > acc.sequence))
								? e
								: acc,
						undefined,
					)
				: latestFor(all, p);
		return latest?.sequence === event.sequence;
	});
	if (!current) return false;
	if (event.action === 'opt_in') {
		const expiry = expiryOf(event, policyFor(options.policy, event.purpose).validityDays);
		if (expiry !== null && options.now >= expiry) return false;
	}
	return true;
}

export function toFhirConsent(
	event: StoredConsentEvent,
	history: ConsentHistoryRecord,
	options: FhirExportOptions,
): FhirConsent {
	const all = history.events;
	const permit = event.action === 'opt_in';
	const expiry = permit ? expiryOf(event, policyFor(options.policy, event.purpose).validityDays) : null;
	let purposeCoding: FhirCoding[] | undefined;
	let code: FhirCodeableConcept[] | undefined;
	if (event.purpose !== ALL_PURPOSES) {
		const def = purposeDefinition(event.purpose, options.customPurposes);
		purposeCoding = [{ ...def.actReason }];
		code = [{ text: event.purpose }];
	}
	const resource: FhirConsent = {
		resourceType: 'Consent',
		id: `consent-${event.id}`,
		identifier: [{ system: CONSENT_EVENT_ID_SYSTEM, value: String(event.id) }],
		status: isActive(event, all, options) ? 'active' : 'inactive',
		scope: {
			coding: [
				{
					system: 'http://terminology.hl7.org/CodeSystem/consentscope',
					code: 'patient-privacy',
					display: 'Privacy Consent',
				},
			],
		},
		category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
		patient: patientReference(history.identity),
		dateTime: iso(event.evidence.timestamp || event.recordedAt),
		policyRule: {
			coding: [
				{
					system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
					code: permit ? 'OPTIN' : 'OPTOUT',
					display: permit ? 'opt-in' : 'opt-out',
				},
			],
		},
		provision: {
			type: permit ? 'permit' : 'deny',
			period: { start: iso(event.recordedAt), ...(expiry !== null ? { end: iso(expiry) } : {}) },
			...(purposeCoding ? { purpose: purposeCoding } : {}),
			...(code ? { code } : {}),
		},
	};
	if (options.includeEvidenceText && event.evidence.textShown) {
		resource.sourceAttachment = {
			contentType: 'text/plain; charset=utf-8',
			title: `Evidence (${event.evidence.channel}${event.evidence.sourceMessageId ? `, message ${event.evidence.sourceMessageId}` : ''})`,
			data: Buffer.from(event.evidence.textShown, 'utf8').toString('base64'),
		};
	}
	return resource;
}

export function toFhirConsents(history: ConsentHistoryRecord, options: FhirExportOptions): FhirConsent[] {
	return history.events.map((e) => toFhirConsent(e, history, options));
}

/** A FHIR `collection` Bundle of the patient's Consent resources. */
export function toFhirBundle(history: ConsentHistoryRecord, options: FhirExportOptions) {
	return {
		resourceType: 'Bundle' as const,
		type: 'collection' as const,
		timestamp: iso(options.now),
		entry: toFhirConsents(history, options).map((resource) => ({ resource })),
	};
}
