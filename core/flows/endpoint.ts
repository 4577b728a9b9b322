/**
 * The data endpoint's decisions, n8n-free (nodes/WhatsAppFlowTrigger is its thin adapter):
 *
 *   signature (432) → envelope (400) → decrypt (421) → ping: answered here, no execution
 *                                                    → client error notification: acknowledged here, no execution
 *                                                    → flow token (427 when unknown/expired) → start the workflow
 *
 * Every answer that is not a refusal without body is encrypted with the request's AES key and flipped IV.
 */
import type { KeyObject } from 'node:crypto';

import { verifySignature, SIGNATURE_FAILURE_MESSAGES } from '../webhook/signature';
import { decryptFlowRequest, encryptFlowResponse, type FlowSessionKey } from './crypto';
import { FlowEndpointError } from './errors';
import { verifyFlowToken, type FlowTokenClaims } from './flow-token';
import { classifyRequest, parseEnvelope, type FlowAction } from './request';
import { ACKNOWLEDGED_RESPONSE, PING_RESPONSE, invalidTokenBody } from './response';
import { flowTokenExpiredText } from './booking-flow';

export type FlowTokenPolicy = 'signed' | 'any';

export interface FlowEndpointConfig {
	appSecret: string;
	privateKey: KeyObject;
	/** `signed`: only tokens issued by this package (flow-token.ts), unexpired; `any`: every token is accepted. */
	tokenPolicy: FlowTokenPolicy;
	/** Signing key of flow tokens (flowTokenKey(appSecret)); required for `signed`. */
	tokenKey?: Buffer;
	/** The 427 message the patient sees, per language; the built-in text table when absent. */
	expiredMessage?: (language: string | undefined) => string;
	now?: () => Date;
}

/** The item the workflow starts with (no key material in it). */
export interface FlowEvent {
	action: FlowAction;
	screen: string;
	data: Record<string, unknown>;
	flowToken: string;
	/** The signed token's reference and language (null when the token is not one of ours). */
	flowTokenReference: string | null;
	language: string | null;
	version: string;
	/** What the Respond step needs to encrypt the answer: the RSA-encrypted AES key and the IV, as Meta sent them. */
	flowSession: { encryptedAesKey: string; initialVector: string };
}

export type FlowEndpointOutcome =
	| {
			kind: 'reply';
			status: number;
			/** Encrypted base64 text, or empty. */
			body: string;
			/** For the log (never contains request data). */
			reason: string;
			level: 'debug' | 'warn' | 'error';
	  }
	| { kind: 'start'; event: FlowEvent; session: FlowSessionKey };

function refusal(error: FlowEndpointError): FlowEndpointOutcome {
	return { kind: 'reply', status: error.status, body: '', reason: error.message, level: 'warn' };
}

/** Runs one step; a FlowEndpointError becomes the refusal it describes, anything else propagates. */
function step<T>(fn: () => T): { ok: true; value: T } | { ok: false; outcome: FlowEndpointOutcome } {
	let caught: unknown;
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		caught = error;
	}
	if (caught instanceof FlowEndpointError) return { ok: false, outcome: refusal(caught) };
	throw caught;
}

export function handleFlowRequest(
	rawBody: Buffer | undefined | null,
	signatureHeader: string | string[] | undefined,
	config: FlowEndpointConfig,
): FlowEndpointOutcome {
	const signature = verifySignature(rawBody, signatureHeader, config.appSecret);
	if (!signature.valid) {
		return {
			kind: 'reply',
			status: 432,
			body: '',
			reason: SIGNATURE_FAILURE_MESSAGES[signature.reason],
			level: signature.reason === 'missing_app_secret' ? 'error' : 'warn',
		};
	}
	const envelope = step(() => parseEnvelope(rawBody));
	if (!envelope.ok) return envelope.outcome;
	const decryptedStep = step(() => decryptFlowRequest(envelope.value, config.privateKey));
	if (!decryptedStep.ok) return decryptedStep.outcome;
	const decrypted = decryptedStep.value;
	const session: FlowSessionKey = { aesKey: decrypted.aesKey, iv: decrypted.iv };
	const answer = (status: number, body: unknown, reason: string, level: 'debug' | 'warn' = 'debug') =>
		({ kind: 'reply', status, body: encryptFlowResponse(body, session), reason, level }) as const;
	const classified = step(() => classifyRequest(decrypted.payload));
	if (!classified.ok) return classified.outcome;
	const request = classified.value;
	if (request.kind === 'ping') return answer(200, PING_RESPONSE, 'health check answered');
	if (request.kind === 'client_error') {
		return answer(
			200,
			ACKNOWLEDGED_RESPONSE,
			`client error notification acknowledged (${request.error} on screen ${request.screen || '?'})`,
			'warn',
		);
	}
	let claims: FlowTokenClaims | undefined;
	if (config.tokenPolicy === 'signed') {
		if (!config.tokenKey) throw new Error('tokenKey is required for the signed flow token policy');
		const check = verifyFlowToken(config.tokenKey, request.flowToken, config.now?.() ?? new Date());
		if (!check.valid) {
			const language = check.claims?.language;
			const message = config.expiredMessage?.(language) ?? flowTokenExpiredText(language);
			return answer(427, invalidTokenBody(message), `flow token refused (${check.reason})`, 'warn');
		}
		claims = check.claims;
	}
	return {
		kind: 'start',
		session,
		event: {
			action: request.action,
			screen: request.screen,
			data: request.data,
			flowToken: request.flowToken,
			flowTokenReference: claims?.reference ?? null,
			language: claims?.language ?? null,
			version: request.version,
			flowSession: {
				encryptedAesKey: envelope.value.encrypted_aes_key,
				initialVector: envelope.value.initial_vector,
			},
		},
	};
}
