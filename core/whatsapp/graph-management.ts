/**
 * WhatsApp Business Management calls (templates, phone numbers, webhook overrides). Exposed as GraphClient
 * methods; these calls count against the management rate limit (200 to 5,000 per hour per WABA), not the
 * messages-per-second limiter. They take the narrow `GraphRequester` (graph-types.ts), not the client, so this
 * module does not import graph-client.ts (which imports it).
 */
import type {
	GraphRequester,
	MessageTemplate,
	PhoneNumberInfo,
	TemplatePage,
	TemplateQuery,
} from './graph-types';
import { record, requireId } from './graph-util';

export const TEMPLATE_FIELDS = [
	'id',
	'name',
	'language',
	'status',
	'category',
	'parameter_format',
	'components',
];
export const PHONE_NUMBER_FIELDS = [
	'id',
	'display_phone_number',
	'verified_name',
	'quality_rating',
	'code_verification_status',
	'platform_type',
	'throughput',
	'webhook_configuration',
];

/** One page of GET /{waba-id}/message_templates. */
export async function listTemplates(
	client: GraphRequester,
	wabaId: string,
	query: TemplateQuery = {},
): Promise<TemplatePage> {
	const id = requireId(wabaId, 'WhatsApp Business Account ID');
	const data = record(
		await client.request('GET', `${id}/message_templates`, {
			qs: {
				fields: (query.fields ?? TEMPLATE_FIELDS).join(','),
				status: query.status,
				name: query.name,
				language: query.language,
				category: query.category,
				limit: query.limit,
				after: query.after,
			},
		}),
	);
	const paging = record(data.paging);
	const after = record(paging.cursors).after;
	const hasMore = typeof paging.next === 'string' && typeof after === 'string';
	return {
		templates: Array.isArray(data.data) ? (data.data as MessageTemplate[]) : [],
		after: hasMore ? (after as string) : undefined,
		hasMore,
	};
}

/** All templates matching the query, following `paging.cursors.after` for at most `maxPages` pages. */
export async function listAllTemplates(
	client: GraphRequester,
	wabaId: string,
	query: TemplateQuery = {},
	maxPages = 20,
): Promise<MessageTemplate[]> {
	const all: MessageTemplate[] = [];
	let after = query.after;
	for (let page = 0; page < maxPages; page++) {
		const result = await listTemplates(client, wabaId, { ...query, after });
		all.push(...result.templates);
		if (!result.hasMore || !result.after || result.after === after) break;
		after = result.after;
	}
	return all;
}

/** GET /{phone-number-id}: display number, verified name, quality rating, webhook override. */
export async function getPhoneNumber(
	client: GraphRequester,
	phoneNumberId: string,
	fields: string[] = PHONE_NUMBER_FIELDS,
): Promise<PhoneNumberInfo> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	return (await client.request('GET', id, { qs: { fields: fields.join(',') } })) as PhoneNumberInfo;
}

/** GET /{waba-id}/phone_numbers (all pages, bounded). */
export async function listPhoneNumbers(
	client: GraphRequester,
	wabaId: string,
	maxPages = 10,
): Promise<PhoneNumberInfo[]> {
	const id = requireId(wabaId, 'WhatsApp Business Account ID');
	const all: PhoneNumberInfo[] = [];
	let after: string | undefined;
	for (let page = 0; page < maxPages; page++) {
		const data = record(
			await client.request('GET', `${id}/phone_numbers`, {
				qs: { fields: 'id,display_phone_number,verified_name,quality_rating', after },
			}),
		);
		if (Array.isArray(data.data)) all.push(...(data.data as PhoneNumberInfo[]));
		const paging = record(data.paging);
		const next = record(paging.cursors).after;
		if (typeof paging.next !== 'string' || typeof next !== 'string' || next === after) break;
		after = next;
	}
	return all;
}

/** POST /{phone-number-id} {webhook_configuration}: phone-level webhook override (beats WABA and app callbacks). */
export async function setWebhookOverride(
	client: GraphRequester,
	phoneNumberId: string,
	callbackUri: string,
	verifyToken: string,
): Promise<boolean> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	if (!/^https:\/\//i.test(callbackUri))
		throw new Error('Webhook callback URL must be a public https:// URL');
	if (!verifyToken) throw new Error('Webhook verify token is empty: set it in the credential');
	const body = { webhook_configuration: { override_callback_uri: callbackUri, verify_token: verifyToken } };
	const data = record(await client.request('POST', id, { body, idempotent: true }));
	return data.success === true;
}

/** Removes the phone-level webhook override (Meta falls back to the WABA or app callback). */
export async function clearWebhookOverride(client: GraphRequester, phoneNumberId: string): Promise<boolean> {
	const id = requireId(phoneNumberId, 'Phone number ID');
	const body = { webhook_configuration: { override_callback_uri: '' } };
	const data = record(await client.request('POST', id, { body, idempotent: true }));
	return data.success === true;
}
