/**
 * The backend settings of Appointment Slot Lookup, shown above the operation fields: the built-in scheduler's
 * clinic rules (as fields or JSON) and calendar, and the FHIR / Cal.com settings that are not in the credential.
 */
import type { INodeProperties } from 'n8n-workflow';

import { EXAMPLE_RULES } from './example-rules';

const builtin = { backend: ['builtin'] };
const remote = { backend: ['fhir', 'calcom'] };
const weekdayOptions = [
	{ name: 'Monday', value: 'mon' },
	{ name: 'Tuesday', value: 'tue' },
	{ name: 'Wednesday', value: 'wed' },
	{ name: 'Thursday', value: 'thu' },
	{ name: 'Friday', value: 'fri' },
	{ name: 'Saturday', value: 'sat' },
	{ name: 'Sunday', value: 'sun' },
];
const timeField = (name: string, displayName: string, def: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: def,
	placeholder: 'HH:mm',
	description: '24-hour clinic local time, e.g. 08:30',
});

/** Backend settings shown above the operation fields. */
export const backendProperties: INodeProperties[] = [
	{
		displayName: 'Rules Source',
		name: 'rulesSource',
		type: 'options',
		default: 'fields',
		displayOptions: { show: builtin },
		options: [
			{
				name: 'Fields Below',
				value: 'fields',
				description: 'Hours, services and practitioners typed in this node',
			},
			{
				name: 'JSON',
				value: 'json',
				description: 'All rules as one JSON object (supports per-practitioner hours)',
			},
		],
		description: 'Where the built-in scheduler reads the clinic rules',
	},
	{
		displayName: 'Clinic Rules (JSON)',
		name: 'rulesJson',
		type: 'json',
		default: JSON.stringify(EXAMPLE_RULES, null, 2),
		description:
			'All rules: timeZone, services, practitioners, openingHours (per weekday; also per practitioner), breaks, closures, slotGranularityMinutes, bufferBeforeMinutes, bufferAfterMinutes, minimumNoticeMinutes, bookingHorizonDays. Errors name the exact field.',
		hint: 'Edit the example; an error message will name any field that is wrong (e.g. practitioners[1].openingHours.mon[0].end)',
		displayOptions: { show: { ...builtin, rulesSource: ['json'] } },
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: 'America/Sao_Paulo',
		placeholder: 'America/Sao_Paulo',
		description: 'IANA time zone of the clinic; opening hours and labels use it',
		displayOptions: { show: { ...builtin, rulesSource: ['fields'] } },
	},
	{
		displayName: 'Services',
		name: 'services',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Service',
		default: { service: [{ id: 'consulta', name: 'Consulta', durationMinutes: 30 }] },
		displayOptions: { show: { ...builtin, rulesSource: ['fields'] } },
		options: [
			{
				displayName: 'Service',
				name: 'service',
				values: [
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						description: 'Short code, e.g. consulta',
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: 'Shown to patients',
					},
					{ displayName: 'Duration (Minutes)', name: 'durationMinutes', type: 'number', default: 30 },
				],
			},
		],
	},
	{
		displayName: 'Practitioners',
		name: 'practitioners',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Practitioner',
		default: { practitioner: [{ id: 'dra-ana', name: 'Dra. Ana Souza' }] },
		displayOptions: { show: { ...builtin, rulesSource: ['fields'] } },
		options: [
			{
				displayName: 'Practitioner',
				name: 'practitioner',
				values: [
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						description: 'Short code, e.g. dra-ana',
					},
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: 'Shown to patients',
					},
					{
						displayName: 'Service IDs',
						name: 'serviceIds',
						type: 'string',
						default: '',
						description: 'Comma-separated service IDs this practitioner offers (empty = all)',
					},
					{ displayName: 'Location', name: 'location', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Opening Hours',
		name: 'openingHours',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Opening Interval',
		default: {
			interval: [
				{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '12:00' },
				{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '13:00', end: '18:00' },
			],
		},
		description: 'Weekly hours for all practitioners (use JSON rules for per-practitioner hours)',
		displayOptions: { show: { ...builtin, rulesSource: ['fields'] } },
		options: [
			{
				displayName: 'Interval',
				name: 'interval',
				values: [
					{ displayName: 'Days', name: 'days', type: 'multiOptions', options: weekdayOptions, default: [] },
					timeField('start', 'Start', '08:00'),
					timeField('end', 'End', '12:00'),
				],
			},
		],
	},
	{
		displayName: 'Breaks',
		name: 'breaks',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Break',
		default: {},
		displayOptions: { show: { ...builtin, rulesSource: ['fields'] } },
		options: [
			{
				displayName: 'Break',
				name: 'break',
				values: [
					{
						displayName: 'Days',
						name: 'days',
						type: 'multiOptions',
						options: weekdayOptions,
						default: [],
						description: 'Empty = every day',
					},
					timeField('start', 'Start', '12:00'),
					timeField('end', 'End', '13:00'),
				],
			},
		],
	},
	{
		displayName: 'Holidays and Closures',
		name: 'closures',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Closure',
		default: {},
		displayOptions: { show: { ...builtin, rulesSource: ['fields'] } },
		options: [
			{
				displayName: 'Closure',
				name: 'closure',
				values: [
					{
						displayName: 'From',
						name: 'start',
						type: 'string',
						default: '',
						placeholder: '2026-12-24 or 2026-12-24T13:00',
						description: 'Clinic local date (whole day) or date and time',
					},
					{
						displayName: 'To',
						name: 'end',
						type: 'string',
						default: '',
						placeholder: '2026-12-26',
						description: 'Last closed day (included) or date and time; empty = same as From',
					},
					{ displayName: 'Reason', name: 'reason', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Scheduling Settings',
		name: 'settings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: { show: { ...builtin, rulesSource: ['fields'] } },
		options: [
			{
				displayName: 'Booking Horizon (Days)',
				name: 'bookingHorizonDays',
				type: 'number',
				default: 60,
				description: 'How far ahead patients may book',
			},
			{ displayName: 'Buffer After (Minutes)', name: 'bufferAfterMinutes', type: 'number', default: 0 },
			{ displayName: 'Buffer Before (Minutes)', name: 'bufferBeforeMinutes', type: 'number', default: 0 },
			{ displayName: 'Location', name: 'location', type: 'string', default: '' },
			{
				displayName: 'Minimum Notice (Minutes)',
				name: 'minimumNoticeMinutes',
				type: 'number',
				default: 60,
				description: 'No bookings closer than this to now',
			},
			{
				displayName: 'Slot Granularity (Minutes)',
				name: 'slotGranularityMinutes',
				type: 'number',
				default: 15,
				description: 'Start times are offered every N minutes from each opening time',
			},
		],
	},
	{
		displayName: 'Calendar ID',
		name: 'calendarId',
		type: 'string',
		default: 'default',
		description:
			'Separates clinics or units that share one Clinic Store; bookings of other calendars are ignored',
		displayOptions: { show: builtin },
	},
	{
		displayName: 'Clinic Time Zone',
		name: 'clinicTimeZone',
		type: 'string',
		default: 'America/Sao_Paulo',
		description: 'IANA time zone used for local times and labels',
		displayOptions: { show: remote },
	},
	{
		displayName: 'Event Type ID',
		name: 'eventTypeId',
		type: 'number',
		default: 0,
		required: true,
		description: 'Cal.com event type (the numeric ID in the event type URL / API)',
		displayOptions: { show: { backend: ['calcom'] } },
	},
	{
		displayName: 'Practitioner Name',
		name: 'calPractitionerName',
		type: 'string',
		default: '',
		description: 'Shown on slots and in the WhatsApp list (Cal.com slots do not name the host)',
		displayOptions: { show: { backend: ['calcom'] } },
	},
];
