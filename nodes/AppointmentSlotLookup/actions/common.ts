/**
 * Shared parts of the Appointment Slot Lookup operations: backend settings (built-in rules, FHIR, Cal.com), the
 * provider factory and error translation. Operations receive a ready SchedulingProvider.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import { normalizeLocale } from '../../../core/scheduling/labels';
import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { BuiltinSchedulingProvider } from '../../../core/scheduling/providers/builtin';
import { CalcomSchedulingProvider } from '../../../core/scheduling/providers/calcom';
import { FhirSchedulingProvider } from '../../../core/scheduling/providers/fhir';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import { type ClinicRules, parseClinicRules } from '../../../core/scheduling/rules';
import {
	SchedulingInputError,
	SchedulingRemoteError,
	type SchedulingBackend,
	type SlotLocale,
} from '../../../core/scheduling/types';
import { settle } from '../../../core/settle';
import { getClinicStore } from '../../shared/store';
import { rulesFromFields } from '../helpers/rules-fields';
import { n8nHttpSender } from '../helpers/transport';

export const EXAMPLE_RULES = {
	timeZone: 'America/Sao_Paulo',
	location: 'Clínica Centro',
	slotGranularityMinutes: 15,
	bufferBeforeMinutes: 0,
	bufferAfterMinutes: 5,
	minimumNoticeMinutes: 120,
	bookingHorizonDays: 60,
	openingHours: {
		mon: [
			{ start: '08:00', end: '12:00' },
			{ start: '13:00', end: '18:00' },
		],
		tue: [
			{ start: '08:00', end: '12:00' },
			{ start: '13:00', end: '18:00' },
		],
		wed: [{ start: '08:00', end: '12:00' }],
		thu: [
			{ start: '08:00', end: '12:00' },
			{ start: '13:00', end: '18:00' },
		],
		fri: [{ start: '08:00', end: '16:00' }],
	},
	breaks: [{ days: ['fri'], start: '12:00', end: '13:00', label: 'Almoço' }],
	closures: [{ date: '2026-12-25', reason: 'Natal' }],
	services: [
		{ id: 'consulta', name: 'Consulta', durationMinutes: 30 },
		{ id: 'retorno', name: 'Retorno', durationMinutes: 15 },
	],
	practitioners: [
		{ id: 'dra-ana', name: 'Dra. Ana Souza', serviceIds: ['consulta', 'retorno'] },
		{ id: 'dr-bruno', name: 'Dr. Bruno Lima', serviceIds: ['consulta'] },
	],
};

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

const rulesCache = new Map<string, ClinicRules>();

function readRules(ctx: IExecuteFunctions, i: number): ClinicRules {
	const source = ctx.getNodeParameter('rulesSource', i, 'fields') as string;
	let input: unknown;
	if (source === 'json') input = ctx.getNodeParameter('rulesJson', i, '') as unknown;
	else {
		input = rulesFromFields({
			timeZone: ctx.getNodeParameter('timeZone', i, ''),
			settings: ctx.getNodeParameter('settings', i, {}) as IDataObject,
			openingHours: ctx.getNodeParameter('openingHours', i, {}),
			breaks: ctx.getNodeParameter('breaks', i, {}),
			closures: ctx.getNodeParameter('closures', i, {}),
			services: ctx.getNodeParameter('services', i, {}),
			practitioners: ctx.getNodeParameter('practitioners', i, {}),
		});
	}
	const key = typeof input === 'string' ? input : JSON.stringify(input);
	let rules = rulesCache.get(key);
	if (!rules) {
		rules = parseClinicRules(input);
		if (rulesCache.size > 50) rulesCache.clear();
		rulesCache.set(key, rules);
	}
	return rules;
}

export function readLocale(ctx: IExecuteFunctions, i: number): SlotLocale {
	return normalizeLocale(ctx.getNodeParameter('locale', i, 'pt-BR') as string);
}

/** Builds the provider for item `i` (one per distinct configuration within an execution). */
export async function getProvider(
	ctx: IExecuteFunctions,
	i: number,
	cache: Map<string, SchedulingProvider>,
): Promise<SchedulingProvider> {
	const backend = ctx.getNodeParameter('backend', 0) as SchedulingBackend;
	const locale = readLocale(ctx, i);
	if (backend === 'builtin') {
		const rules = readRules(ctx, i);
		const calendarId = String(ctx.getNodeParameter('calendarId', i, 'default') || 'default');
		const key = `b|${calendarId}|${locale}|${JSON.stringify(rules)}`;
		let provider = cache.get(key);
		if (!provider) {
			const store = await settle(async () => await getClinicStore(ctx, i));
			if (!store.ok) {
				throw new NodeOperationError(
					ctx.getNode(),
					'The built-in scheduler needs a Clinic Store credential',
					{
						itemIndex: i,
						description: `Bookings must survive restarts and be shared by all workers, so they live in the clinic store. Select or create a "Clinic Store" credential on this node. (${(store.error as Error).message})`,
					},
				);
			}
			provider = new BuiltinSchedulingProvider({
				rules,
				repository: new SqlBookingRepository(store.value, calendarId),
				locale,
			});
			cache.set(key, provider);
		}
		return provider;
	}
	const timeZone = String(ctx.getNodeParameter('clinicTimeZone', i, 'UTC') || 'UTC');
	if (backend === 'fhir') {
		const key = `f|${timeZone}|${locale}`;
		let provider = cache.get(key);
		if (!provider) {
			const credentials = await ctx.getCredentials('fhirServerApi', i);
			provider = new FhirSchedulingProvider({
				baseUrl: String(credentials.baseUrl ?? ''),
				send: n8nHttpSender(ctx, 'fhirServerApi'),
				timeZone,
				locale,
			});
			cache.set(key, provider);
		}
		return provider;
	}
	if (backend === 'calcom') {
		const eventTypeId = Number(ctx.getNodeParameter('eventTypeId', i, 0));
		const practitionerName = String(ctx.getNodeParameter('calPractitionerName', i, '') || '') || undefined;
		const key = `c|${timeZone}|${locale}|${eventTypeId}|${practitionerName}`;
		let provider = cache.get(key);
		if (!provider) {
			const credentials = await ctx.getCredentials('calComApi', i);
			provider = new CalcomSchedulingProvider({
				baseUrl: String(credentials.baseUrl || 'https://api.cal.com'),
				send: n8nHttpSender(ctx, 'calComApi'),
				eventTypeId,
				timeZone,
				locale,
				practitionerName,
			});
			cache.set(key, provider);
		}
		return provider;
	}
	throw new NodeOperationError(ctx.getNode(), `Unknown scheduling system "${String(backend)}"`, {
		itemIndex: i,
	});
}

const FIELD_LABELS: Record<string, string> = {
	slotId: 'Slot ID',
	newSlotId: 'New Slot ID',
	patientName: 'Patient Name',
	patientPhone: 'Patient Phone',
	appointmentId: 'Appointment ID',
	serviceId: 'Service',
	practitionerId: 'Practitioner',
	from: 'From',
	to: 'To',
	status: 'Status',
	eventTypeId: 'Event Type ID',
	baseUrl: 'Base URL (credential)',
	rules: 'Clinic Rules',
};

/** Scheduling errors → n8n errors: bad input/config → NodeOperationError naming the field; remote → NodeApiError. */
export function toNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError | NodeApiError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof SchedulingInputError) {
		const label = error.field ? (FIELD_LABELS[error.field] ?? `Clinic Rules → ${error.field}`) : undefined;
		return new NodeOperationError(ctx.getNode(), error.message, {
			itemIndex,
			...(label ? { description: `Field: ${label}` } : {}),
		});
	}
	if (error instanceof SchedulingRemoteError) {
		return new NodeApiError(ctx.getNode(), { message: error.message } as JsonObject, {
			message: error.message,
			httpCode: error.httpStatus ? String(error.httpStatus) : undefined,
			itemIndex,
		});
	}
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
}
