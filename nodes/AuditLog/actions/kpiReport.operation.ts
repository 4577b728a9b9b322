/**
 * KPI Report: the clinic's figures for a period (response time, delivery and read rates, reminder confirmations,
 * cancellations, no-shows, waitlist fill rate, CSAT, opt-outs) by week and practitioner, from the audit log and the
 * appointments, with a CSV file and an HTML page with charts. Runs once per execution; the computation is
 * core/kpi (n8n-free). See docs/kpi-report.md.
 */
import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	type AppointmentSource,
	type KpiReport,
	appointmentsFromItems,
	buildKpiReport,
	kpiCsv,
	kpiHtml,
	storedAppointments,
} from '../../../core/kpi';
import { settle } from '../../../core/settle';
import type { ClinicStore } from '../../../core/store/ports';
import { allInputs, failItem } from '../../shared/items';

const show = { operation: ['kpiReport'] };

export const description: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		type: 'dateTime',
		default: '={{ $today.minus({ days: 7 }) }}',
		required: true,
		description:
			'Start of the report period (included). Without an offset it is read in the report time zone. Weeks run Monday to Sunday.',
		displayOptions: { show },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'dateTime',
		default: '={{ $today }}',
		required: true,
		description: 'End of the report period (not included), e.g. today at 00:00 for a report up to yesterday',
		displayOptions: { show },
	},
	{
		displayName: 'Appointments From',
		name: 'appointmentSource',
		type: 'options',
		default: 'store',
		options: [
			{
				name: 'Built-in Scheduler (This Clinic Store)',
				value: 'store',
				description: 'Appointments booked with the built-in scheduler of Appointment Slot Lookup',
			},
			{
				name: 'Input Items',
				value: 'input',
				description:
					'One appointment per input item, e.g. from Appointment Slot Lookup → List Appointments (FHIR or Cal.com)',
			},
			{
				name: 'None',
				value: 'none',
				description: 'Only the figures from the audit log (no no-show or cancellation figures)',
			},
		],
		description:
			'Where the no-show and cancellation figures come from; appointment IDs in audit entries also tell whose practitioner an entry is',
		displayOptions: { show },
	},
	{
		displayName: 'Calendar ID',
		name: 'calendarId',
		type: 'string',
		default: 'default',
		description: 'The Calendar ID of the built-in scheduler (as set in Appointment Slot Lookup)',
		displayOptions: { show: { ...show, appointmentSource: ['store'] } },
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		default: 'report',
		options: [
			{
				name: 'One Report Item',
				value: 'report',
				description: 'One item with the totals and every row, and the CSV and HTML files',
			},
			{
				name: 'One Item per Row',
				value: 'rows',
				description:
					'One item per week × practitioner (e.g. for a spreadsheet); the first item also carries the files',
			},
		],
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'kpiOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'CSV Field',
				name: 'csvProperty',
				type: 'string',
				default: 'data',
				description: 'Name of the binary field that receives the CSV file',
			},
			{
				displayName: 'File Name Prefix',
				name: 'fileNamePrefix',
				type: 'string',
				default: 'clinic-kpis',
				description: 'Files are named prefix-FROM-to-TO.csv and .html (dates in the report time zone)',
			},
			{
				displayName: 'HTML Field',
				name: 'htmlProperty',
				type: 'string',
				default: 'report',
				description: 'Name of the binary field that receives the HTML report',
			},
			{
				displayName: 'Include Charts',
				name: 'charts',
				type: 'boolean',
				default: true,
				description:
					'Whether the HTML report draws its charts (no-show and fill-rate trend, response times, confirmation funnel, calls by week). Off: figures and table only.',
			},
			{
				displayName: 'Report Title',
				name: 'title',
				type: 'string',
				default: 'Clinic KPI report',
				description: 'Heading of the HTML report and its page title',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				placeholder: 'America/Sao_Paulo',
				description: 'IANA time zone of the clinic for days and weeks. Empty: the workflow time zone.',
			},
		],
	},
];

/** prefix-2026-03-02-to-2026-03-09 (the To date is the last day included). */
function fileStem(prefix: string, report: KpiReport): string {
	const day = (ms: number) => DateTime.fromMillis(ms, { zone: report.timeZone }).toISODate();
	const safe = prefix.replace(/[^\w.-]+/g, '-') || 'clinic-kpis';
	return `${safe}-${day(Date.parse(report.from))}-to-${day(Date.parse(report.to) - 1)}`;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	store: ClinicStore,
): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('kpiOptions', 0, {}) as IDataObject;
	const timeZone = String(options.timeZone || '').trim() || this.getTimezone();
	const source = this.getNodeParameter('appointmentSource', 0, 'store') as 'store' | 'input' | 'none';
	let ignored = 0;
	let appointments: AppointmentSource | null = null;
	if (source === 'store')
		appointments = storedAppointments(
			store,
			String(this.getNodeParameter('calendarId', 0, 'default') || 'default'),
		);
	else if (source === 'input') {
		const given = appointmentsFromItems(items.map((item) => item.json));
		appointments = given.source;
		ignored = given.ignored;
	}
	const res = await settle(async () => {
		const report = await buildKpiReport(store, {
			from: this.getNodeParameter('from', 0),
			to: this.getNodeParameter('to', 0),
			timeZone,
			appointments,
		});
		const html = await kpiHtml(report, {
			title: String(options.title || 'Clinic KPI report'),
			charts: options.charts !== false,
		});
		return { report, html };
	});
	if (!res.ok) return [[failItem(this, res.error, 0)]];
	const { report, html } = res.value;
	const stem = fileStem(String(options.fileNamePrefix ?? 'clinic-kpis'), report);
	const binary = {
		[String(options.csvProperty || 'data')]: await this.helpers.prepareBinaryData(
			Buffer.from(kpiCsv(report.rows), 'utf8'),
			`${stem}.csv`,
			'text/csv',
		),
		[String(options.htmlProperty || 'report')]: await this.helpers.prepareBinaryData(
			Buffer.from(html, 'utf8'),
			`${stem}.html`,
			'text/html',
		),
	};
	const pairedItem = allInputs(items);
	if (this.getNodeParameter('output', 0, 'report') === 'rows')
		return [report.rows.map((row, i) => ({ json: { ...row }, pairedItem, ...(i === 0 ? { binary } : {}) }))];
	const json = {
		...report,
		...(source === 'input' ? { appointmentItemsIgnored: ignored } : {}),
		files: { csv: `${stem}.csv`, html: `${stem}.html` },
	} as unknown as IDataObject;
	return [[{ json, binary, pairedItem }]];
}
