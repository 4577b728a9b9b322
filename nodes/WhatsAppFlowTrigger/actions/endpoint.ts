/**
 * The POST webhook: hands the raw request to core/flows/endpoint.ts and turns its outcome into n8n's answer.
 * Refusals (432, 421, 427, 400), health checks and client error notifications are answered here and start no
 * execution; a screen request starts one execution whose WhatsApp Flow → Respond step answers (responseNode mode).
 * Log lines carry the reason only, never request data or key material.
 */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { handleFlowRequest, type FlowTokenPolicy } from '../../../core/flows/endpoint';
import { flowTokenKey } from '../../../core/flows/flow-token';
import { getWebhookSecrets } from '../../shared/transport';
import { readFlowPrivateKey } from '../../shared/flow-key';

const PREFIX = 'WhatsApp Flow Trigger: ';

function reply(context: IWebhookFunctions, status: number, body: string): IWebhookResponseData {
	const res = context.getResponseObject();
	res.status(status);
	res.setHeader('Content-Type', 'text/plain; charset=utf-8');
	res.send(body);
	return { noWebhookResponse: true };
}

export async function handleFlowEndpoint(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const node = this.getNode().name;
	const request = this.getRequestObject() as unknown as {
		rawBody?: Buffer;
		headers: Record<string, string | string[] | undefined>;
	};
	const tokenPolicy = this.getNodeParameter('tokenPolicy', 'signed') as FlowTokenPolicy;
	const expired = String(this.getNodeParameter('expiredMessage', '') ?? '').trim();
	let config;
	try {
		const { appSecret } = await getWebhookSecrets.call(this);
		config = {
			appSecret,
			privateKey: await readFlowPrivateKey(this),
			tokenPolicy,
			// From the App Secret just read: one credential read per request, not two (Meta's 1 s budget).
			tokenKey: tokenPolicy === 'signed' && appSecret.trim() ? flowTokenKey(appSecret) : undefined,
			expiredMessage: expired ? () => expired : undefined,
		};
	} catch (error) {
		// A credential that cannot be used: fail closed, say which field in the log (never its value).
		this.logger.error(`${PREFIX}${(error as Error).message}`, { node });
		return reply(this, 500, '');
	}
	const outcome = handleFlowRequest(request.rawBody, request.headers['x-hub-signature-256'], config);
	if (outcome.kind === 'reply') {
		if (outcome.level !== 'debug')
			this.logger[outcome.level](`${PREFIX}${outcome.reason} → ${outcome.status}`, { node });
		return reply(this, outcome.status, outcome.body);
	}
	return { workflowData: [[{ json: { ...outcome.event } }]] };
}
