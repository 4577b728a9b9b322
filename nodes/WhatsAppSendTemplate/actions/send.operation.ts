/**
 * WhatsApp Send Template, operation "send": validates one item (recipient, approved template, every variable, header
 * media) and returns its send job; nothing is sent here (the bulk sender, nodes/shared/send.ts, sends the jobs).
 */
import type { IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';

import { issueFlowToken } from '../../../core/flows/flow-token';
import { newIdempotencyKey } from '../../../core/whatsapp/callback-data';
import { assertGroupTemplateCategory } from '../../../core/whatsapp/groups-limits';
import { buildMessageRequest } from '../../../core/whatsapp/messages/request';
import { buildTemplate, findTemplate, parseTemplateRef } from '../../../core/whatsapp/messages/template';
import {
	templateParameters,
	type TemplateDefinition,
} from '../../../core/whatsapp/messages/template-parameters';
import { MessageValidationError, parseJsonOrThrow } from '../../../core/whatsapp/messages/validation';
import { TemplateCache } from '../../../core/whatsapp/template-cache';
import {
	acceptedFields,
	assertItemBinary,
	recipientSummary,
	uploadItemBinary,
	type SendJob,
} from '../../shared/send';
import { readFlowTokenKey } from '../../shared/flow-key';
import { readSendClaim } from '../../shared/send-claims';
import { readDefaultCountry } from '../../shared/send-fields';
import { readSendTarget } from '../../shared/send-target';
import type { WhatsAppContext } from '../../shared/transport';
import type { TemplateOptions } from './fields';
import { readFormats } from './variable-formats';

/**
 * A FLOW button left without a token gets a signed token (reference: the template name; language: the template's),
 * as Send Message → Send Flow issues by default, so a WhatsApp Flow Trigger with Flow Token Check "Signed" accepts
 * it. Without an App Secret in the credential the button keeps Meta's default "unused".
 */
async function signedFlowTokens(
	ctx: IExecuteFunctions,
	def: TemplateDefinition,
): Promise<(() => string) | undefined> {
	if (!templateParameters(def).some((p) => p.kind === 'flow_token')) return undefined;
	const key = await readFlowTokenKey(ctx).catch(() => undefined);
	return key
		? () => issueFlowToken(key, { reference: def.name.slice(0, 120), language: def.language })
		: undefined;
}

function readValues(ctx: IExecuteFunctions, itemIndex: number): Record<string, unknown> {
	const source = ctx.getNodeParameter('parameterSource', itemIndex, 'mapper') as string;
	if (source === 'json') {
		let raw = ctx.getNodeParameter('parametersJson', itemIndex, {}) as unknown;
		if (typeof raw === 'string')
			raw = raw.trim()
				? parseJsonOrThrow(raw, 'Parameters (JSON)', 'Give an object such as {"body_1": "Maria"}.')
				: {};
		if (!raw || typeof raw !== 'object' || Array.isArray(raw))
			throw new MessageValidationError(
				'Parameters (JSON)',
				'is not an object',
				'Give an object such as {"body_1": "Maria"}.',
			);
		return raw as Record<string, unknown>;
	}
	const mapped = ctx.getNodeParameter('templateParameters', itemIndex, null) as ResourceMapperValue | null;
	return { ...(mapped?.value ?? {}) };
}

const caches = new WeakMap<WhatsAppContext, TemplateCache>();

async function resolveTemplate(
	ctx: IExecuteFunctions,
	context: WhatsAppContext,
	itemIndex: number,
): Promise<TemplateDefinition> {
	const ref = ctx.getNodeParameter('template', itemIndex, '', { extractValue: true }) as string;
	if (typeof ref !== 'string' || !ref.trim())
		throw new MessageValidationError(
			'Template',
			'is empty',
			'Pick a template from the list or type its name.',
		);
	const { name, language } = parseTemplateRef(ref);
	let cache = caches.get(context);
	if (!cache) {
		cache = new TemplateCache(context.client, context.wabaId);
		caches.set(context, cache);
	}
	const def = findTemplate(await cache.get(name), name, language);
	if (def.status && def.status !== 'APPROVED')
		throw new MessageValidationError(
			'Template',
			`"${def.name}" (${def.language}) is ${def.status}, not APPROVED`,
			def.status === 'PAUSED'
				? 'Meta paused it after low-quality feedback; use another template or wait until it is unpaused.'
				: 'Only approved templates can be sent; wait for approval in WhatsApp Manager or pick an approved one.',
		);
	return def;
}

/** Validates item `itemIndex` and returns its send job (nothing is sent here). */
export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	context: WhatsAppContext,
): Promise<SendJob> {
	const options = this.getNodeParameter('options', itemIndex, {}) as TemplateOptions;
	// The first item looks the template up at Meta: its recipient and variables (expressions, evaluated in n8n's
	// isolate) are read while that request is out. A bad recipient is still the error reported first.
	const template = resolveTemplate(this, context, itemIndex);
	template.catch(() => undefined);
	const recipient = readSendTarget(this, itemIndex, readDefaultCountry(options.defaultCountry));
	const values = readValues(this, itemIndex);
	const def = await template;
	if (recipient.kind === 'group') assertGroupTemplateCategory(def.category);
	const timezone = this.getTimezone();
	const formats = readFormats(options.variableFormats?.formats, timezone);
	const binaryProperty = options.headerBinaryProperty?.trim();
	const documentFilename =
		options.documentFilename?.trim() ||
		(binaryProperty ? this.getInputData()[itemIndex]?.binary?.[binaryProperty]?.fileName : undefined) ||
		undefined;
	const header = templateParameters(def).find((p) => p.key === 'header_media');
	if (binaryProperty) {
		if (!header)
			throw new MessageValidationError(
				'Header Media From Binary Property',
				`is set but template "${def.name}" has no image, video or document header`,
				'Clear the option, or pick a template with a media header.',
			);
		assertItemBinary(this, itemIndex, binaryProperty, 'Header Media From Binary Property');
		delete values.header_media;
	}
	const envelope = {
		bizOpaqueCallbackData: options.bizOpaqueCallbackData,
		idempotencyKey: newIdempotencyKey(),
	};
	const defaultFlowToken = await signedFlowTokens(this, def);
	// Validate the whole message now (a placeholder media ID stands in for a file uploaded at send time).
	const build = (mediaId?: string) =>
		buildMessageRequest(
			recipient,
			buildTemplate(def, mediaId ? { ...values, header_media: mediaId } : values, {
				documentFilename,
				formats,
				timezone,
				defaultFlowToken,
			}),
			envelope,
		);
	const ready = build(binaryProperty ? '1' : undefined);
	const summary = recipientSummary(
		recipient,
		{ templateName: def.name, templateLanguage: def.language },
		envelope,
	);
	return {
		summary,
		recipient,
		claim: readSendClaim(options.idempotencyKey, { phoneNumberId: context.phoneNumberId, scope: def.name }),
		send: async (ctx) => {
			let payload = ready;
			let headerMediaId: string | undefined;
			if (binaryProperty) {
				headerMediaId = await uploadItemBinary(this, ctx, itemIndex, binaryProperty);
				payload = build(headerMediaId);
			}
			const out = acceptedFields(await ctx.client.sendMessage(ctx.phoneNumberId, payload));
			if (headerMediaId) out.headerMediaId = headerMediaId;
			return out;
		},
	};
}
