/**
 * WhatsApp Flows management over the Graph API (the Flows API; docs/flows.md cites Meta's pages and the Postman
 * collection of WhatsApp/WhatsApp-Flows-Tools): create a Flow (POST /{waba-id}/flows), upload its Flow JSON
 * (POST /{flow-id}/assets, multipart, asset_type FLOW_JSON), update metadata such as the endpoint URI
 * (POST /{flow-id}), publish (POST /{flow-id}/publish), deprecate (POST /{flow-id}/deprecate), the preview URL
 * (GET /{flow-id}?fields=preview.invalidate(false)), list (GET /{waba-id}/flows), and the business public key of a
 * phone number (POST/GET /{phone-number-id}/whatsapp_business_encryption). Takes the narrow GraphRequester.
 */
import type { GraphRequester } from '../whatsapp/graph-types';
import { record, requireId } from '../whatsapp/graph-util';
import { FlowInputError } from './errors';
import { validateFlowJson, type FlowValidationError } from './flow-json';

export const FLOW_CATEGORIES = [
	'SIGN_UP',
	'SIGN_IN',
	'APPOINTMENT_BOOKING',
	'LEAD_GENERATION',
	'CONTACT_US',
	'CUSTOMER_SUPPORT',
	'SURVEY',
	'OTHER',
] as const;

export const FLOW_FIELDS = [
	'id',
	'name',
	'categories',
	'status',
	'validation_errors',
	'json_version',
	'data_api_version',
	'endpoint_uri',
	'preview',
	'health_status',
];

export interface FlowSummary {
	id: string;
	name: string;
	status: string;
	categories: string[];
	validationErrors: unknown[];
	endpointUri?: string;
	jsonVersion?: string;
	raw: Record<string, unknown>;
}

function toSummary(value: unknown): FlowSummary {
	const r = record(value);
	return {
		id: String(r.id ?? ''),
		name: String(r.name ?? ''),
		status: String(r.status ?? ''),
		categories: Array.isArray(r.categories) ? r.categories.map(String) : [],
		validationErrors: Array.isArray(r.validation_errors) ? r.validation_errors : [],
		endpointUri: typeof r.endpoint_uri === 'string' ? r.endpoint_uri : undefined,
		jsonVersion: typeof r.json_version === 'string' ? r.json_version : undefined,
		raw: r,
	};
}

/** Parses and validates a Flow JSON locally; throws FlowInputError listing the first problems. */
export function assertValidFlowJson(text: string, field = 'Flow JSON'): Record<string, unknown> {
	const errors = validateFlowJson(text);
	if (errors.length) throw flowJsonError(errors, field);
	return JSON.parse(text) as Record<string, unknown>;
}

export function flowJsonError(errors: FlowValidationError[], field: string): FlowInputError {
	const shown = errors
		.slice(0, 5)
		.map((e) => `${e.pointers[0] || '(root)'}: ${e.message}`)
		.join('; ');
	return new FlowInputError(`The Flow JSON has ${errors.length} problem(s): ${shown}`, {
		field,
		code: 'flow_json_invalid',
		hint: 'Fix these in the Flow JSON (Meta’s Flow Builder shows the same checks), then run the operation again.',
	});
}

export class FlowsClient {
	constructor(private readonly graph: GraphRequester) {}

	async list(wabaId: string, limit = 100): Promise<FlowSummary[]> {
		const id = requireId(wabaId, 'WhatsApp Business Account ID');
		const out: FlowSummary[] = [];
		let after: string | undefined;
		for (let page = 0; page < 20; page++) {
			const data = record(
				await this.graph.request('GET', `${id}/flows`, {
					qs: { fields: 'id,name,status,categories,validation_errors', limit, after },
				}),
			);
			out.push(...(Array.isArray(data.data) ? data.data.map(toSummary) : []));
			const paging = record(data.paging);
			const next = record(paging.cursors).after;
			if (typeof paging.next !== 'string' || typeof next !== 'string' || next === after) break;
			after = next;
		}
		return out;
	}

	async get(flowId: string): Promise<FlowSummary> {
		const id = requireId(flowId, 'Flow ID');
		return toSummary(await this.graph.request('GET', id, { qs: { fields: FLOW_FIELDS.join(',') } }));
	}

	/** The Flow with this name in the WABA, or undefined. */
	async findByName(wabaId: string, name: string): Promise<FlowSummary | undefined> {
		return (await this.list(wabaId)).find((f) => f.name === name);
	}

	async create(
		wabaId: string,
		input: { name: string; categories: string[]; endpointUri?: string },
	): Promise<string> {
		const id = requireId(wabaId, 'WhatsApp Business Account ID');
		if (!input.name.trim())
			throw new FlowInputError('Flow Name is empty', {
				field: 'Flow Name',
				hint: 'Give the Flow a unique name, e.g. appointment_booking_pt_BR.',
			});
		const data = record(
			await this.graph.request('POST', `${id}/flows`, {
				body: {
					name: input.name.trim(),
					categories: input.categories.length ? input.categories : ['OTHER'],
					...(input.endpointUri ? { endpoint_uri: input.endpointUri } : {}),
				},
			}),
		);
		if (typeof data.id !== 'string') throw new Error('Meta returned no Flow ID');
		return data.id;
	}

	async updateMetadata(
		flowId: string,
		input: { name?: string; categories?: string[]; endpointUri?: string },
	) {
		const id = requireId(flowId, 'Flow ID');
		const body: Record<string, unknown> = {};
		if (input.name) body.name = input.name;
		if (input.categories?.length) body.categories = input.categories;
		if (input.endpointUri) body.endpoint_uri = input.endpointUri;
		return record(await this.graph.request('POST', id, { body, idempotent: true })).success === true;
	}

	/** Uploads the Flow JSON (validated locally first); returns Meta's validation errors (empty = accepted). */
	async uploadFlowJson(flowId: string, flowJson: string): Promise<unknown[]> {
		const id = requireId(flowId, 'Flow ID');
		assertValidFlowJson(flowJson);
		const data = record(
			await this.graph.request('POST', `${id}/assets`, {
				formData: {
					fields: { name: 'flow.json', asset_type: 'FLOW_JSON' },
					file: { data: Buffer.from(flowJson, 'utf8'), fileName: 'flow.json', mimeType: 'application/json' },
				},
				idempotent: true,
			}),
		);
		return Array.isArray(data.validation_errors) ? data.validation_errors : [];
	}

	async publish(flowId: string): Promise<boolean> {
		const id = requireId(flowId, 'Flow ID');
		return record(await this.graph.request('POST', `${id}/publish`, { idempotent: true })).success === true;
	}

	async deprecate(flowId: string): Promise<boolean> {
		const id = requireId(flowId, 'Flow ID');
		return record(await this.graph.request('POST', `${id}/deprecate`, { idempotent: true })).success === true;
	}

	async previewUrl(flowId: string, invalidate = false): Promise<{ url: string; expiresAt?: string }> {
		const id = requireId(flowId, 'Flow ID');
		const data = record(
			await this.graph.request('GET', id, { qs: { fields: `preview.invalidate(${invalidate})` } }),
		);
		const preview = record(data.preview);
		return {
			url: String(preview.preview_url ?? ''),
			expiresAt: typeof preview.expires_at === 'string' ? preview.expires_at : undefined,
		};
	}

	async setBusinessPublicKey(phoneNumberId: string, publicKeyPem: string): Promise<boolean> {
		const id = requireId(phoneNumberId, 'Phone number ID');
		const data = record(
			await this.graph.request('POST', `${id}/whatsapp_business_encryption`, {
				formData: { fields: { business_public_key: publicKeyPem } },
				idempotent: true,
			}),
		);
		return data.success === true;
	}

	async getBusinessPublicKey(
		phoneNumberId: string,
	): Promise<{ publicKeyPem: string; signatureStatus: string }> {
		const id = requireId(phoneNumberId, 'Phone number ID');
		const data = record(await this.graph.request('GET', `${id}/whatsapp_business_encryption`));
		const row = Array.isArray(data.data) ? record(data.data[0]) : data;
		return {
			publicKeyPem: String(row.business_public_key ?? ''),
			signatureStatus: String(row.business_public_key_signature_status ?? ''),
		};
	}
}
