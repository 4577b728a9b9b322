import {
	NodeConnectionTypes,
	type ICredentialTestFunctions,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { flowIdField, flowJsonFields, operationProperty, show } from './actions/fields';
import { description as respondFields } from './actions/respond.operation';
import { router } from './actions/router';
import { testFlowKey } from '../shared/flow-key';

/** WhatsApp Flows: answer the Flow Trigger, manage Flows (create, validate, publish…), and the endpoint's key pair. */
export class WhatsAppFlow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Flow',
		name: 'whatsAppFlow',
		icon: { light: 'file:whatsAppFlow.svg', dark: 'file:whatsAppFlow.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "respond" ? "Respond: " + ($parameter["respondWith"] === "complete" ? "complete" : ($parameter["respondWith"] === "invalidToken" ? "token expired (427)" : $parameter["screen"])) : $parameter["operation"] }}',
		description:
			'WhatsApp Flows: respond to the Flow Trigger with the next screen, create/validate/publish Flows, manage the endpoint key pair',
		defaults: { name: 'WhatsApp Flow' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'whatsAppClinicApi',
				required: true,
				displayOptions: {
					show: {
						operation: [
							'createOrUpdate',
							'publish',
							'deprecate',
							'getPreviewUrl',
							'list',
							'generateKeyPair',
							'uploadPublicKey',
							'getPublicKey',
						],
					},
				},
			},
			{
				name: 'whatsAppFlowKeyApi',
				required: true,
				testedBy: 'flowKeyTest',
				displayOptions: show(['respond', 'generateKeyPair', 'uploadPublicKey', 'getPublicKey']),
			},
		],
		properties: [operationProperty, ...respondFields, flowIdField, ...flowJsonFields],
	};

	methods = {
		credentialTest: {
			async flowKeyTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				return testFlowKey((credential.data ?? {}) as Record<string, unknown>);
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
