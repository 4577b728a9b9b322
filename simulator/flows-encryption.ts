/**
 * WhatsApp Flows business encryption in the simulator, like Meta (docs/flows.md "The key pair"):
 *   POST /{phone-number-id}/whatsapp_business_encryption   business_public_key=<PEM> (form, multipart or JSON)
 *        → {success: true}; a key that is not a PEM RSA public key answers 100 naming the parameter.
 *   GET  /{phone-number-id}/whatsapp_business_encryption
 *        → {data: [{business_public_key, business_public_key_signature_status: "VALID"}]}, or an empty data list
 *          before any upload.
 * `flowPublicKey(ctx, phoneId)` is what the simulator encrypts Flow data-endpoint requests to (as the WhatsApp
 * client does with the key Meta holds).
 */
import { createPublicKey } from 'node:crypto';

import type { SimContext } from './context';
import { findPhone } from './context';
import { Errors } from './errors';
import { params, type GraphRequest, type GraphResponse } from './graph-routes';
import { parseMultipart } from './media';

const EDGE = 'whatsapp_business_encryption';
const keys = new WeakMap<SimContext, Map<string, string>>();

function keysOf(ctx: SimContext): Map<string, string> {
	let map = keys.get(ctx);
	if (!map) keys.set(ctx, (map = new Map()));
	return map;
}

/** The business public key uploaded for a phone number (PEM), if any. */
export function flowPublicKey(ctx: SimContext, phoneNumberId: string): string | undefined {
	return keysOf(ctx).get(phoneNumberId);
}

/** Graph parameters (query, form or JSON), and multipart fields (how the WhatsApp Flow node uploads the key). */
export function bodyFields(req: GraphRequest): Record<string, unknown> {
	if (!/multipart\/form-data/i.test(req.contentType)) return params(req);
	const out: Record<string, unknown> = {};
	for (const part of parseMultipart(req.body, req.contentType)) out[part.name] = part.data.toString('utf8');
	return out;
}

/** Handles the business-encryption edge; undefined for every other path. */
export function handleFlowsEncryptionGraph(ctx: SimContext, req: GraphRequest): GraphResponse | undefined {
	const [phoneId, edge, ...rest] = req.segments;
	if (edge !== EDGE || rest.length || !phoneId) return undefined;
	if (!findPhone(ctx, phoneId)) throw Errors.unknownPath(`/${req.segments.join('/')}`);
	if (req.method === 'GET') {
		const key = flowPublicKey(ctx, phoneId);
		return {
			status: 200,
			body: {
				data: key ? [{ business_public_key: key, business_public_key_signature_status: 'VALID' }] : [],
			},
		};
	}
	if (req.method !== 'POST') throw Errors.unknownPath(`/${req.segments.join('/')}`);
	const pem = bodyFields(req).business_public_key;
	if (typeof pem !== 'string' || !pem.trim()) throw Errors.requiredParameter('business_public_key');
	try {
		const key = createPublicKey(pem);
		if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
	} catch {
		throw Errors.invalidParameter('Param business_public_key must be a PEM-encoded 2048-bit RSA public key.');
	}
	// Multipart bodies carry the PEM with CRLF line breaks (form-data normalises them): keep the PEM's own form.
	keysOf(ctx).set(phoneId, pem.replace(/\r\n/g, '\n').trim());
	ctx.log(`business public key uploaded for ${phoneId}`);
	return { status: 200, body: { success: true } };
}
