import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildContacts } from '../../../core/whatsapp/messages/contacts';
import type { SendJob } from '../../shared/send';
import { forOperations, messageJob, readItemRecipient, readOptions, sendOptionsProperty } from './common';

export const description: INodeProperties[] = [
	forOperations(['contacts'], {
		displayName: 'Contact Name',
		name: 'contactName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Clínica Sol – Recepção',
		description: 'Name on the contact card',
	}),
	forOperations(['contacts'], {
		displayName: 'Contact Phone',
		name: 'contactPhone',
		type: 'string',
		default: '',
		placeholder: '+551130000000',
		description: 'Phone number on the card (international format)',
	}),
	forOperations(['contacts'], {
		displayName: 'Contact Email',
		name: 'contactEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: 'Email address on the card',
	}),
	forOperations(['contacts'], {
		displayName: 'Contact Website',
		name: 'contactUrl',
		type: 'string',
		default: '',
		description: 'Website on the card',
	}),
	sendOptionsProperty(['contacts']),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const phone = String(this.getNodeParameter('contactPhone', itemIndex, '')).trim();
	const email = String(this.getNodeParameter('contactEmail', itemIndex, '')).trim();
	const url = String(this.getNodeParameter('contactUrl', itemIndex, '')).trim();
	const content = buildContacts([
		{
			name: { formatted_name: this.getNodeParameter('contactName', itemIndex, '') as string },
			phones: phone ? [{ phone, type: 'WORK' }] : undefined,
			emails: email ? [{ email, type: 'WORK' }] : undefined,
			urls: url ? [{ url, type: 'WORK' }] : undefined,
		},
	]);
	return messageJob(recipient, content, options);
}
