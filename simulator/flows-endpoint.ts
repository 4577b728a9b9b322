/**
 * The WhatsApp client's side of a Flow data endpoint, as Meta specifies it ("Implementing your Flow endpoint"):
 * the request `{version, action, screen, data, flow_token}` is encrypted with a fresh AES-128-GCM key and 16-byte
 * IV (tag appended), the AES key wrapped with RSA-OAEP-SHA256 to the business public key uploaded for the phone
 * number, posted as `{encrypted_flow_data, encrypted_aes_key, initial_vector}` with `X-Hub-Signature-256` (HMAC of
 * the body with the app secret); the answer is base64 AES-GCM under the same key and the flipped IV.
 *
 * HTTP answers as the client treats them: 200 → the decrypted JSON; 421 → the client fetches the public key again
 * and retries once; 427 → the encrypted `error_msg` is shown and the Flow is closed; 432 and anything else →
 * "Something went wrong". Every request is recorded (action, screen, HTTP status, time, error; never the data,
 * which is patient data) for `GET /_sim/flows/requests`.
 */
import { constants, createCipheriv, createDecipheriv, publicEncrypt, randomBytes } from 'node:crypto';

import type { SimContext } from './context';
import { flowPublicKey } from './flows-encryption';
import { signBody } from './webhook-sender';

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;
const TAG = 16;
/** Meta's client gives the endpoint 10 seconds. */
export const ENDPOINT_TIMEOUT_MS = 10_000;

export interface EndpointCall {
	at: string;
	flowId: string;
	action: string;
	screen?: string;
	status?: number;
	ms: number;
	/** What went wrong (network, not decryptable, HTTP status), absent on success. */
	error?: string;
}

export type EndpointResult =
	| { ok: true; status: 200; body: Record<string, unknown> }
	| { ok: false; status?: number; error: string; errorMsg?: string };

const calls = new WeakMap<SimContext, EndpointCall[]>();

export function endpointCalls(ctx: SimContext): EndpointCall[] {
	let list = calls.get(ctx);
	if (!list) calls.set(ctx, (list = []));
	return list;
}

function flip(iv: Buffer): Buffer {
	return Buffer.from(iv.map((b) => ~b & 0xff));
}

/** Encrypts a request as the client does; `open` reads the endpoint's answer. */
export function sealFlowRequest(payload: unknown, publicKeyPem: string) {
	const key = randomBytes(16);
	const iv = randomBytes(16);
	const cipher = createCipheriv('aes-128-gcm', key, iv);
	const data = Buffer.concat([
		cipher.update(JSON.stringify(payload), 'utf8'),
		cipher.final(),
		cipher.getAuthTag(),
	]);
	const body = {
		encrypted_flow_data: data.toString('base64'),
		encrypted_aes_key: publicEncrypt({ key: publicKeyPem, ...OAEP }, key).toString('base64'),
		initial_vector: iv.toString('base64'),
	};
	const open = (answer: string): unknown => {
		const raw = Buffer.from(answer.trim(), 'base64');
		if (raw.length <= TAG) throw new Error('the answer is too short to be AES-GCM');
		const decipher = createDecipheriv('aes-128-gcm', key, flip(iv));
		decipher.setAuthTag(raw.subarray(raw.length - TAG));
		const plain = Buffer.concat([decipher.update(raw.subarray(0, raw.length - TAG)), decipher.final()]);
		return JSON.parse(plain.toString('utf8'));
	};
	return { body, open };
}

async function postOnce(
	ctx: SimContext,
	url: string,
	phoneId: string,
	payload: Record<string, unknown>,
): Promise<EndpointResult> {
	const publicKey = flowPublicKey(ctx, phoneId);
	if (!publicKey) return { ok: false, error: 'no business public key uploaded for the phone number' };
	const { body, open } = sealFlowRequest(payload, publicKey);
	const raw = Buffer.from(JSON.stringify(body));
	let res: Response;
	try {
		res = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-hub-signature-256': signBody(ctx.options.appSecret, raw),
			},
			body: raw,
			signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
		});
	} catch (error) {
		const e = error as Error;
		return {
			ok: false,
			error: e.name === 'TimeoutError' ? 'endpoint timeout (10 s)' : `network: ${e.message}`,
		};
	}
	const text = await res.text();
	let decrypted: unknown;
	try {
		decrypted = text ? open(text) : undefined;
	} catch {
		decrypted = undefined;
	}
	if (res.status === 200) {
		if (decrypted && typeof decrypted === 'object' && !Array.isArray(decrypted))
			return { ok: true, status: 200, body: decrypted as Record<string, unknown> };
		return { ok: false, status: 200, error: 'the answer could not be decrypted' };
	}
	const errorMsg =
		decrypted && typeof (decrypted as Record<string, unknown>).error_msg === 'string'
			? String((decrypted as Record<string, unknown>).error_msg)
			: undefined;
	return { ok: false, status: res.status, error: `HTTP ${res.status}`, ...(errorMsg ? { errorMsg } : {}) };
}

/** One request to a Flow's endpoint as the client makes it (a 421 is retried once), recorded. */
export async function callFlowEndpoint(
	ctx: SimContext,
	target: { flowId: string; url: string; phoneId: string },
	payload: Record<string, unknown>,
): Promise<EndpointResult> {
	const t0 = performance.now();
	let result = await postOnce(ctx, target.url, target.phoneId, payload);
	if (!result.ok && result.status === 421) result = await postOnce(ctx, target.url, target.phoneId, payload);
	const log = endpointCalls(ctx);
	log.push({
		at: new Date(ctx.clock.now()).toISOString(),
		flowId: target.flowId,
		action: String(payload.action),
		...(typeof payload.screen === 'string' ? { screen: payload.screen } : {}),
		...(result.status ? { status: result.status } : {}),
		ms: Math.round(performance.now() - t0),
		...(result.ok ? {} : { error: result.error }),
	});
	if (log.length > 500) log.splice(0, log.length - 500);
	return result;
}

/** Meta's health check before publishing: `ping` must be answered `{data: {status: "active"}}`. */
export async function pingFlowEndpoint(
	ctx: SimContext,
	target: { flowId: string; url: string; phoneId: string },
	version: string,
): Promise<string | undefined> {
	const result = await callFlowEndpoint(ctx, target, { version, action: 'ping' });
	if (!result.ok) return result.error;
	const data = result.body.data as Record<string, unknown> | undefined;
	return data?.status === 'active' ? undefined : 'the endpoint did not answer {"data":{"status":"active"}}';
}
