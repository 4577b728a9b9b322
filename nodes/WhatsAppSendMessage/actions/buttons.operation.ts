import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildReplyButtons, type ReplyButtonsInput } from '../../../core/whatsapp/messages/interactive';
import { assertItemBinary, uploadItemBinary, type SendJob } from '../../shared/send';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

export const description: INodeProperties[] = [
	forOperations(['buttons'], {
		displayName: 'Body',
		name: 'body',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 3 },
		description: 'The question above the buttons (up to 1,024 characters)',
	}),
	forOperations(['buttons'], {
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		placeholder: 'Add Button',
		default: { button: [{ title: 'Confirm', id: 'confirm' }] },
		typeOptions: { multipleValues: true, maxAllowedFields: 3 },
		description: 'Up to 3 reply buttons; the trigger receives the tapped button’s ID',
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Text on the button (up to 20 characters, different for each button)',
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						description:
							'What the workflow receives when tapped, e.g. confirm:APPT-42 (up to 256 characters). Empty = the title.',
					},
				],
			},
		],
	}),
	forOperations(['buttons'], {
		displayName: 'Header',
		name: 'headerType',
		type: 'options',
		default: 'none',
		description: 'Optional header above the body',
		options: [
			{ name: 'Document', value: 'document' },
			{ name: 'Image', value: 'image' },
			{ name: 'None', value: 'none' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
	}),
	{
		displayName: 'Header Text',
		name: 'headerText',
		type: 'string',
		default: '',
		description: 'Up to 60 characters',
		displayOptions: { show: { operation: ['buttons'], headerType: ['text'] } },
	},
	{
		displayName: 'Header Media',
		name: 'headerMedia',
		type: 'string',
		default: '',
		placeholder: 'https://clinic.example/map.png',
		description: 'Public https:// link or WhatsApp media ID of the header file',
		hint: 'Leave empty when the file comes from a binary field (below)',
		displayOptions: { show: { operation: ['buttons'], headerType: ['image', 'video', 'document'] } },
	},
	{
		displayName: 'Header Binary Field',
		name: 'headerBinaryProperty',
		type: 'string',
		default: '',
		placeholder: 'data',
		description:
			"Name of the item's binary property to upload and use as the header file, instead of a link or media ID",
		displayOptions: { show: { operation: ['buttons'], headerType: ['image', 'video', 'document'] } },
	},
	forOperations(['buttons'], {
		displayName: 'Footer',
		name: 'footer',
		type: 'string',
		default: '',
		description: 'Small grey text under the body (up to 60 characters)',
	}),
	sendOptionsProperty(['buttons']),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const collection = this.getNodeParameter('buttons', itemIndex, {}) as {
		button?: Array<{ title?: string; id?: string }>;
	};
	const headerType = this.getNodeParameter('headerType', itemIndex, 'none') as string;
	let header: ReplyButtonsInput['header'];
	let binaryProperty = '';
	if (headerType === 'text')
		header = { type: 'text', text: this.getNodeParameter('headerText', itemIndex, '') as string };
	else if (headerType === 'image' || headerType === 'video' || headerType === 'document') {
		binaryProperty = String(this.getNodeParameter('headerBinaryProperty', itemIndex, '')).trim();
		if (binaryProperty) {
			assertItemBinary(this, itemIndex, binaryProperty, 'Header Binary Field');
			const filename =
				headerType === 'document'
					? this.getInputData()[itemIndex].binary?.[binaryProperty]?.fileName
					: undefined;
			header = { type: headerType, id: '1', filename };
		} else {
			const media = String(this.getNodeParameter('headerMedia', itemIndex, '')).trim();
			header = /^[0-9]+$/.test(media) ? { type: headerType, id: media } : { type: headerType, link: media };
		}
	}
	const input = {
		body: this.getNodeParameter('body', itemIndex, '') as string,
		buttons: (collection.button ?? []).map((b) => ({ title: b.title ?? '', id: b.id })),
		footer: this.getNodeParameter('footer', itemIndex, '') as string,
		header,
	};
	// Validated now; with a binary header the stand-in media ID is replaced by the uploaded one at send time.
	const content = buildReplyButtons(input);
	if (!binaryProperty || !header || header.type === 'text') return messageJob(recipient, content, options);
	const mediaHeader = header;
	return messageJob(recipient, content, options, async (context) => {
		const id = await uploadItemBinary(this, context, itemIndex, binaryProperty);
		return {
			content: buildReplyButtons({ ...input, header: { ...mediaHeader, id } }),
			extra: { mediaId: id },
		};
	});
}
