/**
 * The "Variable Formats" option of WhatsApp Send Template: which variables are sent as money or dates instead of plain
 * text (the value mapped for them is read as an amount or a date and written for the patient in the template's
 * language), and how its rows become core's TemplateVariableFormat (dates default to the workflow's time zone).
 */
import type { INodeProperties } from 'n8n-workflow';

import { MessageValidationError } from '../../../core/whatsapp/messages/validation';
import type { DateStyle, TemplateVariableFormat } from '../../../core/whatsapp/messages/template-variables';

export const variableFormatsOption: INodeProperties = {
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
};

export interface VariableFormatRow {
	variable?: string;
	format?: 'currency' | 'date' | 'dateTime' | 'time';
	currencyCode?: string;
	dateStyle?: DateStyle;
	timezone?: string;
}

const SHOW = { date: 'date', dateTime: 'date_time', time: 'time' } as const;

/** The "Variable Formats" option as core formats keyed by variable (dates default to the workflow's zone). */
export function readFormats(
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
