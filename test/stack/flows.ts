/**
 * The stack's WhatsApp Flows, set up as a clinic would at Meta (docs/flows.md "The shipped booking Flow"): the
 * public key of the stack's WhatsApp Flow Key credential is uploaded for the simulator's number
 * (`POST /{phone-number-id}/whatsapp_business_encryption`), and the shipped booking Flow JSON of each language
 * (workflows/flows/appointment-booking*.json) is created in the WABA as `appointment_booking_<language>` with
 * workflow 09's production webhook as endpoint_uri and published (the simulator pings the endpoint first, as Meta
 * does). A dev-only workflow "Send the booking Flow" (POST /webhook/send-booking-flow {to, language?}: WhatsApp Send
 * Message → Send Flow, signed token) sends it to a patient, so the chat page can open it (docs/simulator.md "Flows").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CREDENTIAL_NAMES, stackFlowKey } from './credentials';
import type { N8nInstance } from './n8n';
import type { WorkflowJson } from './n8n-types';
import { PACKAGE_NAME, REPO_ROOT } from './paths';
import { SIM, type SimHandle } from './sim';

/** Workflow 09 (scripts/workflows/flow-booking.ts) and the node that is its data endpoint. */
export const FLOW_BOOKING_WORKFLOW = '09 · Flow booking (WhatsApp Flow data endpoint)';
export const FLOW_ENDPOINT_NODE = 'Flow endpoint';

const FLOW_FILES: Record<string, string> = {
	pt_BR: 'appointment-booking.json',
	es: 'appointment-booking.es.json',
	en_US: 'appointment-booking.en_US.json',
};

/** Path of the dev-only sender workflow's webhook. */
export const SEND_FLOW_PATH = 'send-booking-flow';
export const SEND_FLOW_WORKFLOW = 'Dev · Send the booking Flow (WhatsApp Send Message → Send Flow)';

/** Webhook {to, language?} → WhatsApp Send Message → Send Flow (data_exchange, signed token, the language's Flow). */
export function sendBookingFlowWorkflow(): WorkflowJson {
	const body = "={{ $('Start').item.json.body";
	return {
		name: SEND_FLOW_WORKFLOW,
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'stack-send-booking-flow-0000-000000000001',
				parameters: {
					httpMethod: 'POST',
					path: SEND_FLOW_PATH,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				name: 'Send booking Flow',
				type: `${PACKAGE_NAME}.whatsAppSendMessage`,
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					operation: 'flow',
					recipient: `${body}.to }}`,
					flowBy: 'name',
					flowName: `=appointment_booking_{{ $('Start').item.json.body.language || 'pt_BR' }}`,
					flowBody: 'Agende sua consulta por aqui: escolha especialidade, profissional, dia e horário.',
					flowCta: 'Agendar consulta',
					flowAction: 'data_exchange',
					flowTokenMode: 'signed',
					flowReference: 'booking',
					flowLanguage: `${body}.language || 'pt_BR' }}`,
					options: {},
				},
				credentials: { whatsAppClinicApi: { id: '', name: CREDENTIAL_NAMES.whatsApp } },
			},
		],
		connections: { Start: { main: [[{ node: 'Send booking Flow', type: 'main', index: 0 }]] } },
	};
}

/** The name the stack gives the booking Flow of a language. */
export const bookingFlowName = (language: string) => `appointment_booking_${language}`;

export interface StackFlows {
	endpointUri: string;
	/** Flow name → Flow ID (only the ones created). */
	ids: Record<string, string>;
}

/** Uploads the Flow key and creates + publishes the booking Flows; problems are logged, never fatal. */
export async function registerBookingFlows(
	sim: SimHandle,
	n8n: N8nInstance,
	log: (line: string) => void,
): Promise<StackFlows> {
	const endpointUri = n8n.webhookUrl(FLOW_BOOKING_WORKFLOW, FLOW_ENDPOINT_NODE, 'flow');
	const ids: Record<string, string> = {};
	const key = await sim.graph('POST', `/${SIM.phoneNumberId}/whatsapp_business_encryption`, {
		business_public_key: stackFlowKey().publicKeyPem,
	});
	if (key.status !== 200) {
		log(`Flow public key not uploaded: ${JSON.stringify(key.body).slice(0, 300)}`);
		return { endpointUri, ids };
	}
	for (const [language, file] of Object.entries(FLOW_FILES)) {
		const path = join(REPO_ROOT, 'workflows', 'flows', file);
		if (!existsSync(path)) continue;
		const res = await sim.graph('POST', `/${SIM.wabaId}/flows`, {
			name: bookingFlowName(language),
			categories: ['APPOINTMENT_BOOKING'],
			flow_json: readFileSync(path, 'utf8'),
			endpoint_uri: endpointUri,
			publish: true,
		});
		const errors = res.body?.validation_errors ?? [];
		if (res.status !== 200 || errors.length)
			log(`Flow ${bookingFlowName(language)} not published: ${JSON.stringify(res.body).slice(0, 600)}`);
		if (typeof res.body?.id === 'string') ids[bookingFlowName(language)] = res.body.id;
	}
	log(`booking Flows published at the simulator: ${Object.keys(ids).join(', ') || 'none'} → ${endpointUri}`);
	await n8n
		.importWorkflow(sendBookingFlowWorkflow())
		.catch((error: Error) => log(`"${SEND_FLOW_WORKFLOW}" not imported: ${error.message}`));
	return { endpointUri, ids };
}
