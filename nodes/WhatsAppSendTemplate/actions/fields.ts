/** WhatsApp Send Template: the node's parameters (template, parameter source, mapper / JSON, options). */
import type { INodeProperties } from 'n8n-workflow';

import {
	callbackDataOption,
	defaultCountryOption,
	messagesPerSecondOption,
	optionsCollection,
	phoneNumberIdOption,
	recipientProperty,
	type SendOptions,
} from '../../shared/send-fields';
import { groupIdProperty, recipientDisplay, sendToProperty } from '../../shared/send-target';
import { idempotencyKeyOption } from '../../shared/send-claims';
import { variableFormatsOption, type VariableFormatRow } from './variable-formats';

export const description: INodeProperties[] = [
	sendToProperty(),
	{ ...recipientProperty, displayOptions: recipientDisplay() },
	groupIdProperty(),
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
	optionsCollection([
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
		idempotencyKeyOption,
		messagesPerSecondOption,
		phoneNumberIdOption,
		variableFormatsOption,
	]),
];

/** The node's "Options" collection as read from an item. */
export interface TemplateOptions extends SendOptions {
	documentFilename?: string;
	headerBinaryProperty?: string;
	variableFormats?: { formats?: VariableFormatRow[] };
}
