/**
 * The data-endpoint request, as Meta sends it (docs/flows.md): the encrypted envelope, then the decrypted
 * `{version, action, screen, data, flow_token}`. `ping` is Meta's health check; a request whose `data.error` is set
 * is a client error notification (the WhatsApp client could not use an earlier answer); everything else is an
 * INIT (Flow opened), BACK (back button on a screen with `refresh_on_back`) or data_exchange (a screen's action).
 */
import { z } from 'zod';

import type { EncryptedFlowRequest } from './crypto';
import { FlowEndpointError } from './errors';

export const envelopeSchema = z.object({
	encrypted_flow_data: z.string().min(1),
	encrypted_aes_key: z.string().min(1),
	initial_vector: z.string().min(1),
});

export const FLOW_ACTIONS = ['INIT', 'BACK', 'data_exchange'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

export const decryptedRequestSchema = z.object({
	version: z.string().optional(),
	action: z.enum(['ping', 'INIT', 'BACK', 'data_exchange']),
	screen: z.string().optional(),
	data: z.record(z.unknown()).optional().nullable(),
	flow_token: z.string().optional(),
});

export type DecryptedRequest = z.infer<typeof decryptedRequestSchema>;

export type ClassifiedRequest =
	| { kind: 'ping'; version: string }
	| {
			kind: 'client_error';
			version: string;
			flowToken: string;
			screen: string;
			error: string;
			errorMessage: string;
	  }
	| {
			kind: 'action';
			version: string;
			action: FlowAction;
			screen: string;
			data: Record<string, unknown>;
			flowToken: string;
	  };

/** The encrypted envelope of a raw body; 400 when the body is not one. */
export function parseEnvelope(rawBody: Buffer | string | undefined | null): EncryptedFlowRequest {
	let json: unknown = undefined;
	try {
		json = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : String(rawBody ?? ''));
	} catch {
		json = undefined;
	}
	if (json === undefined)
		throw new FlowEndpointError('The request body is not JSON', 400, { code: 'flow_request_invalid' });
	const parsed = envelopeSchema.safeParse(json);
	if (!parsed.success) {
		throw new FlowEndpointError(
			'The request is not a WhatsApp Flows data-endpoint request (encrypted_flow_data, encrypted_aes_key and initial_vector are required)',
			400,
			{ code: 'flow_request_invalid' },
		);
	}
	return parsed.data;
}

/** Validates a decrypted request and says what it is. */
export function classifyRequest(payload: unknown): ClassifiedRequest {
	const parsed = decryptedRequestSchema.safeParse(payload);
	if (!parsed.success) {
		const first = parsed.error.issues[0];
		throw new FlowEndpointError(
			`The decrypted request is not a Flows request (${first.path.join('.') || 'body'}: ${first.message})`,
			400,
			{ code: 'flow_request_invalid' },
		);
	}
	const r = parsed.data;
	const version = r.version ?? '3.0';
	if (r.action === 'ping') return { kind: 'ping', version };
	const data = (r.data ?? {}) as Record<string, unknown>;
	const flowToken = r.flow_token ?? '';
	if (typeof data.error === 'string' && data.error !== '') {
		return {
			kind: 'client_error',
			version,
			flowToken,
			screen: r.screen ?? '',
			error: data.error,
			errorMessage: typeof data.error_message === 'string' ? data.error_message : '',
		};
	}
	return { kind: 'action', version, action: r.action, screen: r.screen ?? '', data, flowToken };
}
