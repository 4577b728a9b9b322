/** WhatsApp Send Template: parameters and per-item preparation (validation + the send closure). */
import type { IDataObject, IExecuteFunctions, INodeProperties, ResourceMapperValue } from 'n8n-workflow';

import {
	buildTemplate,
	findTemplate,
	parseTemplateRef,
	templateParameters,
	type TemplateDefinition,
} from '../../core/whatsapp/messages/template';
import { buildMessageRequest } from '../../core/whatsapp/messages/request';
import { MessageValidationError, parseJsonOrThrow } from '../../core/whatsapp/messages/validation';
import { recipientLabel } from '../../core/whatsapp/phone';
import type { WhatsAppContext } from '../shared/transport';
import {
	assertItemBinary,
	callbackDataOption,
	defaultCountryOption,
	messagesPerSecondOption,
	phoneNumberIdOption,
	readDefaultCountry,
	readRecipient,
	recipientProperty,
	uploadItemBinary,
	type SendJob,
	type SendOptions,
} from '../shared/send';
import { TemplateCache } from './methods/templates';

export const description: INodeProperties[] = [
	recipientProperty,
	{
		displayName: 'Template',
		name: 'template',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The approved message template to send',
		hint: 'The list shows APPROVED templates; type PAUSED, PENDING or REJECTED in the search box to see others',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchTemplates', searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'appointment_reminder|pt_BR',
				hint: 'Template name, optionally followed by | and the language code (needed when the template exists in several languages)',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^\\s*[a-z0-9_]+\\s*(\\|\\s*[A-Za-z_]+\\s*)?$',
							errorMessage:
								'Use the template name (lower case, digits, _) optionally followed by |language, e.g. appointment_reminder|pt_BR',
						},
					},
				],
			},
		],
	},
	{
		displayName: 'Parameter Source',
		name: 'parameterSource',
		type: 'options',
		default: 'mapper',
		noDataExpression: true,
		description: 'How the template variables, header media and button values are given',
		options: [
			{
				name: 'Map Each Parameter',
				value: 'mapper',
				description: "The chosen template's variables appear as fields below",
			},
			{
				name: 'JSON Object',
				value: 'json',
				description: 'One object keyed by placeholder, for templates chosen by expression',
			},
		],
	},
	{
		displayName: 'Template Parameters',
		name: 'templateParameters',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description:
			'Values for the template variables ({{1}}, {{first_name}}), header media and dynamic buttons',
		typeOptions: {
			loadOptionsDependsOn: ['template.value'],
			resourceMapper: {
				resourceMapperMethod: 'getTemplateParameters',
				mode: 'add',
				fieldWords: { singular: 'parameter', plural: 'parameters' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'This template has no variables: nothing to fill in.',
			},
		},
		displayOptions: { show: { parameterSource: ['mapper'] } },
	},
	{
		displayName: 'Parameters (JSON)',
		name: 'parametersJson',
		type: 'json',
		default: '{\n  "body_1": "Maria"\n}',
		description:
			'Keys: body_1, body_first_name, header_1, header_media (https link or media ID), header_location, button_0_payload, button_1_url_suffix, button_2_coupon_code, button_3_flow_token. A bare "1" or "first_name" also works when it is unambiguous.',
		displayOptions: { show: { parameterSource: ['json'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		description: 'Optional settings',
		default: {},
		options: [
			callbackDataOption,
			defaultCountryOption,
			{
				displayName: 'Header Document File Name',
				name: 'documentFilename',
				type: 'string',
				default: '',
				placeholder: 'lab-results.pdf',
				description: 'File name the patient sees for a DOCUMENT header (default: the uploaded file name)',
			},
			{
				displayName: 'Header Media From Binary Property',
				name: 'headerBinaryProperty',
				type: 'string',
				default: '',
				placeholder: 'data',
				description:
					'Upload this binary property of the item (e.g. a PDF from the previous node) and use it as the image/video/document header instead of a link or media ID',
			},
			messagesPerSecondOption,
			phoneNumberIdOption,
		],
	},
];

interface TemplateOptions extends SendOptions {
	documentFilename?: string;
	headerBinaryProperty?: string;
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
export async function prepareTemplateSend(
	this: IExecuteFunctions,
	itemIndex: number,
	context: WhatsAppContext,
): Promise<SendJob> {
	const options = this.getNodeParameter('options', itemIndex, {}) as TemplateOptions;
	const recipient = readRecipient(
		this.getNodeParameter('recipient', itemIndex, ''),
		readDefaultCountry(options.defaultCountry),
	);
	const def = await resolveTemplate(this, context, itemIndex);
	const values = readValues(this, itemIndex);
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
	// Validate the whole message now (a placeholder media ID stands in for a file uploaded at send time).
	const build = (mediaId?: string) =>
		buildMessageRequest(
			recipient,
			buildTemplate(def, mediaId ? { ...values, header_media: mediaId } : values, {
				documentFilename,
			}),
			{ bizOpaqueCallbackData: options.bizOpaqueCallbackData },
		);
	const ready = build(binaryProperty ? '1' : undefined);
	const summary: IDataObject = {
		recipient: recipientLabel(recipient),
		recipientType: recipient.kind === 'phone' ? 'phone' : 'user_id',
		templateName: def.name,
		templateLanguage: def.language,
	};
	if (options.bizOpaqueCallbackData) summary.bizOpaqueCallbackData = options.bizOpaqueCallbackData;
	return {
		summary,
		send: async (ctx) => {
			let payload = ready;
			let headerMediaId: string | undefined;
			if (binaryProperty) {
				headerMediaId = await uploadItemBinary(this, ctx, itemIndex, binaryProperty);
				payload = build(headerMediaId);
			}
			const result = await ctx.client.sendMessage(ctx.phoneNumberId, payload);
			const out: IDataObject = { messageId: result.messageId, waId: result.waId ?? null };
			if (result.messageStatus) out.messageStatus = result.messageStatus;
			if (headerMediaId) out.headerMediaId = headerMediaId;
			return out;
		},
	};
}
