import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildLocation } from '../../../core/whatsapp/messages/location';
import type { SendJob } from '../../shared/send';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

export const description: INodeProperties[] = [
	forOperations(['location'], {
		displayName: 'Latitude',
		name: 'latitude',
		type: 'number',
		default: 0,
		required: true,
		typeOptions: { minValue: -90, maxValue: 90, numberPrecision: 7 },
		description: 'Latitude of the pin, e.g. -23.5614',
	}),
	forOperations(['location'], {
		displayName: 'Longitude',
		name: 'longitude',
		type: 'number',
		default: 0,
		required: true,
		typeOptions: { minValue: -180, maxValue: 180, numberPrecision: 7 },
		description: 'Longitude of the pin, e.g. -46.6559',
	}),
	forOperations(['location'], {
		displayName: 'Name',
		name: 'locationName',
		type: 'string',
		default: '',
		placeholder: 'Clínica Sol – Unidade Paulista',
		description: 'Place name shown with the pin',
	}),
	forOperations(['location'], {
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		description: 'Street address shown under the name',
	}),
	sendOptionsProperty(['location']),
];

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const content = buildLocation({
		latitude: this.getNodeParameter('latitude', itemIndex, 0) as number,
		longitude: this.getNodeParameter('longitude', itemIndex, 0) as number,
		name: this.getNodeParameter('locationName', itemIndex, '') as string,
		address: this.getNodeParameter('address', itemIndex, '') as string,
	});
	return messageJob(recipient, content, options);
}
