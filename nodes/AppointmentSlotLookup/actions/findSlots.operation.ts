/** Find Free Slots: one item per slot, or one item holding a ready WhatsApp interactive list. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { buildSlotList } from '../../../core/scheduling/whatsapp-list';
import { readLocale } from './provider-factory';
import { CallWarnings } from './warnings';

const show = { operation: ['findSlots'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Service Name or ID',
		name: 'serviceId',
		type: 'options',
		typeOptions: {
			loadOptionsMethod: 'getServices',
			loadOptionsDependsOn: ['rulesSource', 'rulesJson', 'services', 'practitioners'],
		},
		default: '',
		description:
			'Service from the clinic rules (may stay empty when there is only one). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { ...show, backend: ['builtin'] } },
	},
	{
		displayName: 'Practitioner Name or ID',
		name: 'practitionerId',
		type: 'options',
		typeOptions: {
			loadOptionsMethod: 'getPractitioners',
			loadOptionsDependsOn: ['rulesSource', 'rulesJson', 'services', 'practitioners'],
		},
		default: '',
		description:
			'Only this practitioner; empty = anyone offering the service. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { ...show, backend: ['builtin'] } },
	},
	{
		displayName: 'Practitioner ID',
		name: 'fhirPractitionerId',
		type: 'string',
		default: '',
		placeholder: '123',
		description:
			'FHIR Practitioner ID; its Schedules are looked up (Schedule?actor=Practitioner/ID). Empty = all schedules. A practitioner without an active Schedule is an error, not an empty list.',
		displayOptions: { show: { ...show, backend: ['fhir'] } },
	},
	{
		displayName: 'Service Type Code',
		name: 'serviceType',
		type: 'string',
		default: '',
		description:
			'Only Slots with this service-type code (optional); a Slot without its own service type has its Schedule’s. Code, or system|code.',
		displayOptions: { show: { ...show, backend: ['fhir'] } },
	},
	{
		displayName: 'Schedule ID',
		name: 'scheduleId',
		type: 'string',
		default: '',
		description: 'FHIR Schedule to search directly (instead of looking it up by practitioner)',
		displayOptions: { show: { ...show, backend: ['fhir'] } },
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '',
		description: 'Earliest start to offer (clinic local time when no offset is given). Empty = now.',
		displayOptions: { show },
	},
	{
		displayName: 'Days Ahead',
		name: 'daysAhead',
		type: 'number',
		default: 14,
		typeOptions: { minValue: 1, maxValue: 366 },
		description: 'How many days after From to search',
		displayOptions: { show },
	},
	{
		displayName: 'Max Slots',
		name: 'maxSlots',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'slots',
		displayOptions: { show },
		options: [
			{
				name: 'One Item per Slot',
				value: 'slots',
				description: 'Start/end (local and UTC), practitioner, service, label, slot ID',
			},
			{
				name: 'WhatsApp List',
				value: 'whatsappList',
				description:
					'One item with a ready interactive list (up to 10 rows, grouped by day) for WhatsApp Send Message',
			},
		],
	},
	{
		displayName: 'List Texts',
		name: 'listOptions',
		type: 'collection',
		placeholder: 'Add Text',
		default: {},
		displayOptions: { show: { ...show, output: ['whatsappList'] } },
		options: [
			{
				displayName: 'Body',
				name: 'body',
				type: 'string',
				default: '',
				description: 'Text above the button (default: localised "Choose an available time:")',
			},
			{
				displayName: 'Button',
				name: 'button',
				type: 'string',
				default: '',
				description: 'Up to 20 characters (default: localised "See times")',
			},
			{
				displayName: 'Footer',
				name: 'footer',
				type: 'string',
				default: '',
				description: 'Up to 60 characters',
			},
			{
				displayName: 'Header',
				name: 'header',
				type: 'string',
				default: '',
				description: 'Up to 60 characters',
			},
			{
				displayName: 'Join Waitlist Row',
				name: 'waitlistRow',
				type: 'boolean',
				default: false,
				description:
					'Whether to end the list with a "None of these — join the waitlist" row (ID WAITLIST_JOIN, in the Language); one time fewer is shown. Route a list reply with that ID to Waitlist → Join Waitlist.',
			},
			{
				displayName: 'Show Practitioner in Title',
				name: 'showPractitioner',
				type: 'options',
				default: 'auto',
				options: [
					{ name: 'Auto (When Several)', value: 'auto' },
					{ name: 'Always', value: 'always' },
					{ name: 'Never', value: 'never' },
				],
			},
		],
	},
];

export async function execute(
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	i: number,
): Promise<IDataObject[]> {
	const locale = readLocale(this, i);
	const fromParam = String(this.getNodeParameter('from', i, '') || '');
	const daysAhead = Number(this.getNodeParameter('daysAhead', i, 14)) || 14;
	const limit = Number(this.getNodeParameter('maxSlots', i, 10)) || 10;
	const output = this.getNodeParameter('output', i, 'slots') as string;
	const fromMs = fromParam ? undefined : Date.now();
	const backend = provider.backend;
	const text = (name: string) => String(this.getNodeParameter(name, i, '') || '').trim() || undefined;
	const warnings = new CallWarnings();
	const slots = await provider.findFreeSlots({
		serviceId:
			backend === 'builtin' ? text('serviceId') : backend === 'fhir' ? text('serviceType') : undefined,
		practitionerId:
			backend === 'builtin'
				? text('practitionerId')
				: backend === 'fhir'
					? text('fhirPractitionerId')
					: undefined,
		scheduleId: backend === 'fhir' ? text('scheduleId') : undefined,
		from: fromParam || new Date(fromMs!).toISOString(),
		to: toParam(fromParam, fromMs, daysAhead),
		limit: output === 'whatsappList' ? Math.min(limit, 10) : limit,
		locale,
		onWarning: warnings.sink,
	});
	if (output !== 'whatsappList')
		return warnings.apply(
			this,
			slots.map((s) => ({ ...s, backend }) as unknown as IDataObject),
		);
	const opts = this.getNodeParameter('listOptions', i, {}) as IDataObject;
	const show = String(opts.showPractitioner ?? 'auto');
	const list = buildSlotList(slots, {
		locale,
		header: opts.header ? String(opts.header) : undefined,
		body: opts.body ? String(opts.body) : undefined,
		footer: opts.footer ? String(opts.footer) : undefined,
		button: opts.button ? String(opts.button) : undefined,
		showPractitioner: show === 'auto' ? undefined : show === 'always',
		waitlistRow: opts.waitlistRow === true,
	});
	return warnings.apply(this, [
		{
			whatsappList: list.interactive,
			hasSlots: list.shown.length > 0,
			slotCount: list.shown.length,
			text: list.interactive ? list.interactive.body.text : list.emptyText,
			slots: list.shown,
			backend,
		} as unknown as IDataObject,
	]);
}

/** "To" = From + daysAhead; a From without offset is passed on as is (read in the clinic zone by the provider). */
function toParam(fromParam: string, fromMs: number | undefined, daysAhead: number): string {
	if (fromMs !== undefined) return new Date(fromMs + daysAhead * 86_400_000).toISOString();
	const match = /^(\d{4})-(\d{2})-(\d{2})(.*)$/.exec(fromParam.trim());
	if (!match) return fromParam;
	const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + daysAhead));
	return `${date.toISOString().slice(0, 10)}${match[4]}`;
}
