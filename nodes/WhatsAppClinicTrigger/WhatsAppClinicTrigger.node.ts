import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { assertTriggerStoreCredential } from '../shared/audit-option';
import { clinicStoreConnectionTest, clinicStoreCredential } from '../shared/store';
import { router } from './actions/router';
import { properties } from './description';
import { checkExists, create, remove } from './registration';

export class WhatsAppClinicTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Clinic Trigger',
		name: 'whatsAppClinicTrigger',
		icon: { light: 'file:whatsAppClinicTrigger.svg', dark: 'file:whatsAppClinicTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Events: " + ($parameter["events"] || []).join(", ")}}',
		description:
			'Starts a workflow for each patient message or status update from the WhatsApp Cloud API: signature-verified, deduplicated, one typed item per event',
		defaults: { name: 'WhatsApp Clinic Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppClinicApi', required: true },
			// Used by Clinic Store deduplication OR Audit to Store: n8n cannot show a credential on either of two
			// parameters, so it is optional here and its presence is checked on activation.
			{ ...clinicStoreCredential, required: false },
		],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		triggerPanel: {
			header: 'Waiting for WhatsApp events',
			executionsHelp: {
				inactive:
					'While testing, Meta must send to the Test URL: paste it as the Callback URL in Meta App Dashboard → WhatsApp → Configuration (or use Per-Number Override), then send a WhatsApp message to the clinic number. Publish the workflow and switch Meta back to the Production URL for real use.',
				active:
					'The workflow is published: each message (and each selected status or update) from Meta starts one execution. Duplicate deliveries are dropped.',
			},
			activationHint: 'Publish the workflow so that Meta’s webhooks reach the Production URL.',
		},
		properties,
	};

	methods = { credentialTest: { clinicStoreConnectionTest } };

	webhookMethods = {
		default: {
			checkExists: async function (this: IHookFunctions): Promise<boolean> {
				assertTriggerStoreCredential(this);
				return await checkExists.call(this);
			},
			create: async function (this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			delete: async function (this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await router.call(this);
	}
}
