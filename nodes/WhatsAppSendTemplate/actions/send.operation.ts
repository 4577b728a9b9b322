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
import type { DateStyle, TemplateVariableFormat } from '../../core/whatsapp/messages/template-variables';
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
			'Keys: body_1, body_first_name, header_1, header_media (https link or media ID), header_location, button_0_payload, button_1_url_suffix, button_2_coupon_code, button_3_flow_token. A bare "1" or "first_name" also works when it is unambiguous. Money: {"currency": "BRL", "amount": 150.5}; date: {"date_time": "2026-03-12T09:30:00-03:00", "style": "long"}.',
		hint: 'Money and dates are written for the patient in the template language, e.g. R$ 150,50 or 12 de março de 2026 às 09:30',
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
			{
				displayName: 'Variable Formats',
				name: 'variableFormats',
				type: 'fixedCollection',
				placeholder: 'Add Variable Format',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'Send some variables as money or a date instead of plain text. The value mapped above is read as an amount (150.50 or 150,50) or a date, and the patient sees it written in the template language (R$ 150,50, 12 de março de 2026).',
				options: [
					{
						displayName: 'Format',
						name: 'formats',
						values: [
							{
								displayName: 'Currency Code',
								name: 'currencyCode',
								type: 'string',
								default: 'BRL',
								placeholder: 'BRL',
								description: 'The 3-letter ISO 4217 code of the currency',
								hint: 'BRL = Brazilian real, USD = US dollar, EUR = euro, MXN = Mexican peso',
								displayOptions: { show: { format: ['currency'] } },
							},
							{
								displayName: 'Date Style',
								name: 'dateStyle',
								type: 'options',
								default: 'long',
								description: 'How long the written date is',
								options: [
									{ name: 'Short', value: 'short', description: 'E.g. 12/03/2026 (pt_BR), 3/12/26 (en_US).' },
									{ name: 'Medium', value: 'medium', description: 'E.g. 12 de mar. de 2026, Mar 12, 2026.' },
									{ name: 'Long', value: 'long', description: 'E.g. 12 de março de 2026, March 12, 2026.' },
									{
										name: 'Full (With Weekday)',
										value: 'full',
										description: 'E.g. quinta-feira, 12 de março de 2026; Thursday, March 12, 2026.',
									},
								],
								displayOptions: { show: { format: ['date', 'dateTime'] } },
							},
							{
								displayName: 'Format',
								name: 'format',
								type: 'options',
								default: 'currency',
								description: 'How WhatsApp should treat the value',
								options: [
									{
										name: 'Currency',
										value: 'currency',
										description: 'An amount of money, e.g. 150.50 → R$ 150,50',
									},
									{
										name: 'Date',
										value: 'date',
										description: 'A calendar day, e.g. 12 de março de 2026',
									},
									{
										name: 'Date and Time',
										value: 'dateTime',
										description: 'A day and a time, e.g. 12 de março de 2026 às 09:30',
									},
									{
										name: 'Time',
										value: 'time',
										description: 'Only the time of day, e.g. 09:30',
									},
								],
							},
							{
								displayName: 'Time Zone',
								name: 'timezone',
								type: 'string',
								default: '',
								placeholder: 'America/Sao_Paulo',
								description:
									"Time zone the patient reads the date in. Empty = the workflow's time zone (workflow Settings).",
								hint: 'IANA name, e.g. America/Sao_Paulo, America/Manaus, Europe/Lisbon',
								displayOptions: { show: { format: ['date', 'dateTime', 'time'] } },
							},
							{
								displayName: 'Variable Name or ID',
								name: 'variable',
								type: 'options',
								typeOptions: {
									loadOptionsMethod: 'getTemplateVariables',
									loadOptionsDependsOn: ['template.value'],
								},
								default: '',
								description:
									'The template variable to format, e.g. body {{2}} (key body_2). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
								hint: 'Keys look like body_2, header_1 or body_first_name',
							},
						],
					},
				],
			},
		],
	},
];

interface VariableFormatRow {
	variable?: string;
	format?: 'currency' | 'date' | 'dateTime' | 'time';
	currencyCode?: string;
	dateStyle?: DateStyle;
	timezone?: string;
}

interface TemplateOptions extends SendOptions {
	documentFilename?: string;
	headerBinaryProperty?: string;
	variableFormats?: { formats?: VariableFormatRow[] };
}

const SHOW = { date: 'date', dateTime: 'date_time', time: 'time' } as const;

/** The "Variable Formats" option as core formats keyed by variable (dates default to the workflow's zone). */
function readFormats(
	rows: VariableFormatRow[] | undefined,
	workflowTimezone: string,
): Record<string, TemplateVariableFormat> {
	const formats: Record<string, TemplateVariableFormat> = {};
	for (const [index, row] of (rows ?? []).entries()) {
		const key = String(row.variable ?? '').trim();
		if (!key)
			throw new MessageValidationError(
				`Variable Formats row ${index + 1}`,
				'has no variable',
				'Pick the variable to format (e.g. body_2), or remove the row.',
			);
		if (key in formats)
			throw new MessageValidationError(
				`Variable Formats "${key}"`,
				'is listed twice',
				'Keep one row per variable.',
			);
		const format = row.format ?? 'currency';
		formats[key] =
			format === 'currency'
				? { type: 'currency', code: row.currencyCode?.trim() || 'BRL' }
				: {
						type: 'date_time',
						show: SHOW[format],
						style: row.dateStyle ?? 'long',
						timezone: row.timezone?.trim() || workflowTimezone,
					};
	}
	return formats;
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
	// Validate the whole message now (a placeholder media ID stands in for a file uploaded at send time).
	const build = (mediaId?: string) =>
		buildMessageRequest(
			recipient,
			buildTemplate(def, mediaId ? { ...values, header_media: mediaId } : values, {
				documentFilename,
				formats,
				timezone,
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
