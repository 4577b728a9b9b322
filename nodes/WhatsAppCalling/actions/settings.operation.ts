/**
 * Get Call Permission (may the clinic call this patient now?), Get and Update Calling Settings of the clinic number:
 * calling on or off, the call icon, call hours (time zone, weekly hours, holidays), asking callers for callback
 * permission, and SIP routing to the clinic's phone system.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getCallingSettings, getCallPermission, updateCallingSettings } from '../../../core/whatsapp/calling';
import {
	WEEK_DAYS,
	buildCallingSettings,
	type CallingSettingsInput,
} from '../../../core/whatsapp/calling-settings';
import { parseJsonOrThrow } from '../../../core/whatsapp/messages/validation';
import { parseRecipient, recipientLabel } from '../../../core/whatsapp/phone';
import { perItem } from '../../shared/router';
import type { WhatsAppContext } from '../../shared/transport';
import { forOperations } from './fields';

const onOff = (on: string, off: string) => [
	{ name: on, value: 'ENABLED' },
	{ name: off, value: 'DISABLED' },
];
const title = (day: string) => day[0] + day.slice(1).toLowerCase();

export const description: INodeProperties[] = [
	forOperations(['updateSettings'], {
		displayName: 'Update Fields',
		name: 'callingSettings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description: 'The calling settings to change; the others stay as they are',
		options: [
			{
				displayName: 'Call Hours',
				name: 'callHours',
				type: 'options',
				default: 'ENABLED',
				options: onOff('Only Within the Hours Below', 'Any Time'),
				description:
					'Whether calls are taken only in opening hours (the weekly hours and holidays below replace any set before)',
			},
			{
				displayName: 'Call Hours Time Zone',
				name: 'timezoneId',
				type: 'string',
				default: 'America/Sao_Paulo',
				description: 'IANA time zone of the hours below',
			},
			{
				displayName: 'Call Icon',
				name: 'callIconVisibility',
				type: 'options',
				default: 'DEFAULT',
				options: [
					{ name: 'Show', value: 'DEFAULT' },
					{ name: 'Hide', value: 'DISABLE_ALL' },
				],
				description:
					'Whether the call icon shows in the chat while calling is enabled (call buttons still work)',
			},
			{
				displayName: 'Callback Permission',
				name: 'callbackPermissionStatus',
				type: 'options',
				default: 'ENABLED',
				options: onOff('Ask Callers', 'Do Not Ask'),
				description:
					'Whether a patient who called the clinic is asked to let the clinic call them back (after a missed or connected call)',
			},
			{
				displayName: 'Calling',
				name: 'status',
				type: 'options',
				default: 'ENABLED',
				options: onOff('Enabled', 'Disabled'),
				description: 'Whether patients can call the clinic number on WhatsApp (the call button in the chat)',
			},
			{
				displayName: 'Holidays',
				name: 'holidays',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Holiday',
				description: 'Days (or parts of days) when no calls are taken',
				options: [
					{
						displayName: 'Holiday',
						name: 'holiday',
						values: [
							{ displayName: 'Date', name: 'date', type: 'string', default: '', placeholder: '2026-12-25' },
							{ displayName: 'From', name: 'start', type: 'string', default: '00:00' },
							{ displayName: 'To', name: 'end', type: 'string', default: '23:59' },
						],
					},
				],
			},
			{
				displayName: 'SIP',
				name: 'sip',
				type: 'options',
				default: 'DISABLED',
				options: onOff('Route Calls to My SIP Server', 'Off'),
				description:
					'Whether WhatsApp sends calls to the clinic’s SIP server (phone system). With SIP on, Meta sends no call webhooks and call control here is not used.',
			},
			{
				displayName: 'SIP Servers',
				name: 'sipServers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add SIP Server',
				options: [
					{
						displayName: 'Server',
						name: 'server',
						values: [
							{
								displayName: 'Host Name',
								name: 'hostname',
								type: 'string',
								default: '',
								placeholder: 'sip.clinic.example',
							},
							{ displayName: 'Port', name: 'port', type: 'number', default: 5061 },
							{
								displayName: 'Request URI Parameters (JSON)',
								name: 'params',
								type: 'json',
								default: '{}',
								description: 'Extra parameters for the SIP request URI, e.g. {"tgrp": "whatsapp"}',
							},
						],
					},
				],
			},
			{
				displayName: 'Weekly Hours',
				name: 'weekly',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Day',
				description: 'When calls are taken, per day of the week (with Call Hours set to the hours below)',
				options: [
					{
						displayName: 'Day',
						name: 'day',
						values: [
							{
								displayName: 'Day',
								name: 'day',
								type: 'options',
								default: 'MONDAY',
								options: WEEK_DAYS.map((d) => ({ name: title(d), value: d })),
							},
							{ displayName: 'Opens', name: 'open', type: 'string', default: '08:00', placeholder: '08:00' },
							{
								displayName: 'Closes',
								name: 'close',
								type: 'string',
								default: '18:00',
								placeholder: '18:00',
							},
						],
					},
				],
			},
		],
	}),
];

const list = (value: unknown, key: string): IDataObject[] =>
	((value as IDataObject | undefined)?.[key] as IDataObject[] | undefined) ?? [];

function readParams(raw: unknown, field: string): Record<string, string> {
	const value =
		typeof raw === 'string'
			? raw.trim()
				? parseJsonOrThrow(raw, field, 'Give an object such as {"tgrp": "whatsapp"}.')
				: {}
			: raw;
	return Object.fromEntries(
		Object.entries((value as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
	);
}

/** The node's Update Fields as calling-settings input (only what was added). */
export function readSettings(fields: IDataObject): CallingSettingsInput {
	const input: CallingSettingsInput = {};
	if (fields.status !== undefined) input.status = fields.status as 'ENABLED';
	if (fields.callIconVisibility !== undefined)
		input.callIconVisibility = fields.callIconVisibility as 'DEFAULT';
	if (fields.callbackPermissionStatus !== undefined)
		input.callbackPermissionStatus = fields.callbackPermissionStatus as 'ENABLED';
	if (fields.callHours !== undefined)
		input.callHours = {
			status: fields.callHours as 'ENABLED',
			timezoneId: String(fields.timezoneId ?? ''),
			weekly: list(fields.weekly, 'day').map((d) => ({
				day: String(d.day),
				open: String(d.open),
				close: String(d.close),
			})),
			holidays: list(fields.holidays, 'holiday').map((h) => ({
				date: String(h.date),
				start: String(h.start),
				end: String(h.end),
			})),
		};
	if (fields.sip !== undefined)
		input.sip = {
			status: fields.sip as 'ENABLED',
			servers: list(fields.sipServers, 'server').map((s, n) => ({
				hostname: String(s.hostname ?? ''),
				port: s.port as number,
				params: readParams(s.params, `SIP Server ${n + 1} Request URI Parameters (JSON)`),
			})),
		};
	return input;
}

export const getPermission = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const user = recipientLabel(
		parseRecipient(this.getNodeParameter('recipient', i, ''), { field: 'Recipient' }),
	);
	const permission = await getCallPermission(context.client, context.phoneNumberId, user.replace(/^\+/, ''));
	return { recipient: user, ...permission };
});

export const getSettings = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	_i,
	context,
): Promise<IDataObject> {
	return {
		phoneNumberId: context.phoneNumberId,
		calling: await getCallingSettings(context.client, context.phoneNumberId),
	};
});

export const updateSettings = perItem<WhatsAppContext>(async function (
	this: IExecuteFunctions,
	i,
	context,
): Promise<IDataObject> {
	const calling = buildCallingSettings(
		readSettings(this.getNodeParameter('callingSettings', i, {}) as IDataObject),
	);
	await updateCallingSettings(context.client, context.phoneNumberId, calling);
	return { phoneNumberId: context.phoneNumberId, updated: Object.keys(calling), calling };
});
