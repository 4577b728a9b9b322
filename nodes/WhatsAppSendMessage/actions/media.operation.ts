import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	buildMedia,
	MEDIA_KINDS,
	type MediaInput,
	type MediaKind,
} from '../../../core/whatsapp/messages/media';
import { assertItemBinary, uploadItemBinary, type SendJob } from '../../shared/send';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

const show = (extra: Record<string, string[]> = {}) => ({ show: { operation: ['media'], ...extra } });

export const description: INodeProperties[] = [
	forOperations(['media'], {
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'document',
		description: 'Kind of file to send',
		options: [
			{ name: 'Audio', value: 'audio', description: 'AAC, AMR, MP3, M4A or OGG (Opus), up to 16 MB' },
			{ name: 'Document', value: 'document', description: 'PDF, Office or text file, up to 100 MB' },
			{ name: 'Image', value: 'image', description: 'JPEG or PNG, up to 5 MB' },
			{ name: 'Sticker', value: 'sticker', description: 'WebP, up to 100 KB (500 KB animated)' },
			{ name: 'Video', value: 'video', description: 'MP4 or 3GP (H.264 + AAC), up to 16 MB' },
		],
	}),
	forOperations(['media'], {
		displayName: 'Source',
		name: 'mediaSource',
		type: 'options',
		default: 'binary',
		description: 'Where the file comes from',
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'A file from the previous node, uploaded to WhatsApp first',
			},
			{ name: 'Link', value: 'link', description: 'A public https:// link WhatsApp downloads' },
			{
				name: 'WhatsApp Media ID',
				value: 'id',
				description: 'The ID of a file already uploaded (valid 30 days)',
			},
		],
	}),
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property of the item holding the file',
		hint: 'The name shown on the binary tab of the previous node’s output',
		displayOptions: show({ mediaSource: ['binary'] }),
	},
	{
		displayName: 'Link',
		name: 'mediaLink',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://clinic.example/files/report.pdf',
		description: 'Public https:// URL of the file',
		displayOptions: show({ mediaSource: ['link'] }),
	},
	{
		displayName: 'Media ID',
		name: 'mediaId',
		type: 'string',
		default: '',
		required: true,
		description: 'WhatsApp media ID (digits) returned by an upload',
		displayOptions: show({ mediaSource: ['id'] }),
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		typeOptions: { rows: 2 },
		description: 'Text shown under the image, video or document (up to 1,024 characters)',
		displayOptions: show({ mediaType: ['image', 'video', 'document'] }),
	},
	{
		displayName: 'File Name',
		name: 'filename',
		type: 'string',
		default: '',
		placeholder: 'lab-results.pdf',
		description: 'File name the patient sees (documents only; default: the binary file name)',
		displayOptions: show({ mediaType: ['document'] }),
	},
	sendOptionsProperty(['media']),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const kind = this.getNodeParameter('mediaType', itemIndex, 'document') as MediaKind;
	const source = this.getNodeParameter('mediaSource', itemIndex, 'binary') as string;
	const captioned = kind === 'image' || kind === 'video' || kind === 'document';
	const input: MediaInput = {};
	if (captioned) {
		const caption = this.getNodeParameter('caption', itemIndex, '') as string;
		if (caption.trim()) input.caption = caption;
	}
	let filename = kind === 'document' ? String(this.getNodeParameter('filename', itemIndex, '')).trim() : '';
	if (source === 'binary') {
		const property = String(this.getNodeParameter('binaryProperty', itemIndex, 'data'));
		assertItemBinary(this, itemIndex, property, 'Input Binary Field');
		if (kind === 'document' && !filename)
			filename = this.getInputData()[itemIndex].binary?.[property.trim()]?.fileName ?? '';
		if (filename) input.filename = filename;
		// Validated now with a stand-in ID; the real one comes from the upload at send time.
		const content = buildMedia(kind, { ...input, id: '1' });
		return messageJob(recipient, content, options, async (context) => {
			const id = await uploadItemBinary(this, context, itemIndex, property.trim());
			return { content: buildMedia(kind, { ...input, id }), extra: { mediaId: id } };
		});
	}
	if (filename) input.filename = filename;
	if (source === 'link') input.link = String(this.getNodeParameter('mediaLink', itemIndex, ''));
	else input.id = String(this.getNodeParameter('mediaId', itemIndex, ''));
	if (!MEDIA_KINDS.includes(kind)) throw new Error(`Unknown media type ${String(kind)}`);
	return messageJob(recipient, buildMedia(kind, input), options);
}
