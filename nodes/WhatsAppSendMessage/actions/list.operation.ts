import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildInteractive, buildList, type ListInput } from '../../../core/whatsapp/messages/interactive';
import type { SendJob } from '../../shared/send';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

export const description: INodeProperties[] = [
	forOperations(['list'], {
		displayName: 'List Source',
		name: 'listSource',
		type: 'options',
		default: 'object',
		description: 'Where the list comes from',
		options: [
			{
				name: 'From Previous Node (WhatsApp List)',
				value: 'object',
				description: 'A ready list object, e.g. the "WhatsApp List" output of Appointment Slot Lookup',
			},
			{ name: 'Define Below', value: 'fields', description: 'Type the rows here' },
		],
	}),
	{
		displayName: 'WhatsApp List',
		name: 'listObject',
		type: 'json',
		default: '={{ $json.whatsappList }}',
		description:
			'An object {type: "list", body, action: {button, sections}} as Appointment Slot Lookup produces it (body, header and footer may be plain text)',
		hint: 'Drag the list field from the previous node here',
		displayOptions: { show: { operation: ['list'], listSource: ['object'] } },
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		default: '',
		typeOptions: { rows: 3 },
		description: 'Text above the list button (up to 4,096 characters)',
		displayOptions: { show: { operation: ['list'], listSource: ['fields'] } },
	},
	{
		displayName: 'Button Label',
		name: 'buttonLabel',
		type: 'string',
		default: 'See options',
		description: 'The button that opens the list (up to 20 characters)',
		displayOptions: { show: { operation: ['list'], listSource: ['fields'] } },
	},
	{
		displayName: 'Rows',
		name: 'rows',
		type: 'fixedCollection',
		placeholder: 'Add Row',
		default: {},
		typeOptions: { multipleValues: true },
		description:
			'Up to 10 rows in total; rows with the same Section are grouped under it (up to 10 sections)',
		displayOptions: { show: { operation: ['list'], listSource: ['fields'] } },
		options: [
			{
				displayName: 'Row',
				name: 'row',
				values: [
					{
						displayName: 'Section',
						name: 'section',
						type: 'string',
						default: '',
						description: 'Section title (up to 24 characters; required when there is more than one section)',
					},
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Row title (up to 24 characters)',
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
						description: 'Grey line under the title (up to 72 characters)',
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						description:
							'What the workflow receives when chosen (up to 200 characters, unique). Empty = the title.',
					},
				],
			},
		],
	},
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		description: 'Optional header (up to 60 characters)',
		displayOptions: { show: { operation: ['list'], listSource: ['fields'] } },
	},
	{
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'Optional footer (up to 60 characters)',
		displayOptions: { show: { operation: ['list'], listSource: ['fields'] } },
	},
	sendOptionsProperty(['list']),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const source = this.getNodeParameter('listSource', itemIndex, 'object') as string;
	if (source === 'object') {
		const content = buildInteractive(this.getNodeParameter('listObject', itemIndex, null), 'WhatsApp List');
		return messageJob(recipient, content, options);
	}
	const rows =
		(
			this.getNodeParameter('rows', itemIndex, {}) as {
				row?: Array<{ section?: string; title?: string; description?: string; id?: string }>;
			}
		).row ?? [];
	const sections: ListInput['sections'] = [];
	for (const row of rows) {
		const title = (row.section ?? '').trim();
		let section = sections.find((s) => (s.title ?? '') === title);
		if (!section) {
			section = { title: title || undefined, rows: [] };
			sections.push(section);
		}
		const rowTitle = row.title ?? '';
		section.rows.push({
			id: (row.id ?? '').trim() || rowTitle,
			title: rowTitle,
			description: row.description,
		});
	}
	const content = buildList({
		body: this.getNodeParameter('body', itemIndex, '') as string,
		button: this.getNodeParameter('buttonLabel', itemIndex, '') as string,
		sections,
		header: this.getNodeParameter('headerText', itemIndex, '') as string,
		footer: this.getNodeParameter('footer', itemIndex, '') as string,
	});
	return messageJob(recipient, content, options);
}
