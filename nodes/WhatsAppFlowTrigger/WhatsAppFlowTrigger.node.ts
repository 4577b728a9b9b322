import {
	NodeConnectionTypes,
	type ICredentialTestFunctions,
	type ICredentialsDecrypted,
	type IHookFunctions,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { handleFlowEndpoint } from './actions/endpoint';
import { properties } from './description';
import { readFlowPrivateKey, testFlowKey } from '../shared/flow-key';

/**
 * The data endpoint of WhatsApp Flows: verifies Meta's signature, decrypts the request, answers health checks and
 * client error notifications itself, and starts the workflow with one item per screen request; WhatsApp Flow →
 * Respond sends the encrypted next screen (responseNode mode).
 *
 * No actions/router.ts with `createRouter`: like the WhatsApp Clinic Trigger (its actions/router.ts says why in
 * full), a webhook trigger has no `execute()`, no input items and no operation parameter; n8n calls `webhook()`,
 * which must answer Meta with a deliberate HTTP status instead of throwing. Its one webhook goes straight to
 * actions/endpoint.ts.
 */
export class WhatsAppFlowTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Flow Trigger',
		name: 'whatsAppFlowTrigger',
		icon: { light: 'file:whatsAppFlowTrigger.svg', dark: 'file:whatsAppFlowTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["tokenPolicy"] === "any" ? "Any flow token" : "Signed flow tokens" }}',
		description:
			'Data endpoint of a WhatsApp Flow: each screen the patient submits starts the workflow with {action, screen, data, flowToken}; answer with WhatsApp Flow → Respond',
		defaults: { name: 'WhatsApp Flow Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppClinicApi', required: true },
			{ name: 'whatsAppFlowKeyApi', required: true, testedBy: 'flowKeyTest' },
		],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'responseNode', path: 'flow' }],
		triggerPanel: {
			header: 'Waiting for a WhatsApp Flow request',
			executionsHelp: {
				inactive:
					'While testing, set the Flow’s Endpoint URI to the Test URL, then open the Flow (Meta’s preview, or a Flow message on your phone).',
				active:
					'The workflow is published: every screen a patient submits in the Flow starts one execution, which must answer within Meta’s time limit through WhatsApp Flow → Respond.',
			},
			activationHint: 'Publish the workflow and set the Flow’s Endpoint URI to the Production URL.',
		},
		properties,
	};

	/**
	 * Nothing is registered at Meta on publish (the Flow's Endpoint URI is set with WhatsApp Flow → Create or Update
	 * Flow); publishing checks instead that the Flow Key credential opens, so a wrong key fails here and not at the
	 * first patient.
	 */
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

	webhookMethods = {
		default: {
			checkExists: async function (this: IHookFunctions): Promise<boolean> {
				await readFlowPrivateKey(this);
				return true;
			},
			create: async function (): Promise<boolean> {
				return true;
			},
			delete: async function (): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleFlowEndpoint.call(this);
	}
}
