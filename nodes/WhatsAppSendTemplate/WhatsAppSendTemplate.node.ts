import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchTemplates } from './methods/listSearch';
import { getTemplateParameters } from './methods/resourceMapping';
import { description as templateProperties, prepareTemplateSend } from './execute';
import { readMps, runBulkSend, type SendOptions } from '../shared/send';

export class WhatsAppSendTemplate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Send Template',
		name: 'whatsAppSendTemplate',
		icon: { light: 'file:whatsAppSendTemplate.svg', dark: 'file:whatsAppSendTemplate.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ "Template: " + ($parameter["template"].cachedResultName || $parameter["template"].value || "") }}',
		description:
			'Send an approved WhatsApp template (reminders, results notices, follow-ups): the only message allowed outside the 24-hour window',
		defaults: { name: 'WhatsApp Send Template' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'whatsAppClinicApi', required: true }],
		properties: templateProperties,
	};

	methods = {
		listSearch: { searchTemplates },
		resourceMapping: { getTemplateParameters },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const options = this.getNodeParameter('options', 0, {}) as SendOptions & IDataObject;
		const items = await runBulkSend.call(this, {
			mps: readMps(this, options.messagesPerSecond),
			phoneNumberId: options.phoneNumberId?.trim() || undefined,
			prepare: prepareTemplateSend,
		});
		return [items];
	}
}
