/**
 * The Flows secrets of a node, handed out as derived objects only: the private key as a KeyObject (from the
 * WhatsApp Flow Key credential) and the flow-token signing key (derived from the WhatsApp credential's App Secret).
 * Neither the PEM, the passphrase nor the App Secret leaves this module.
 */
import type { KeyObject } from 'node:crypto';

import { loadPrivateKey } from '../../core/flows/crypto';
import { FlowKeyError } from '../../core/flows/errors';
import { flowTokenKey } from '../../core/flows/flow-token';
import { getWebhookSecrets, type WhatsAppFunctions } from './transport';

export const FLOW_KEY_CREDENTIAL_TYPE = 'whatsAppFlowKeyApi';

async function flowKeyCredential(
	ctx: WhatsAppFunctions,
): Promise<{ privateKey: string; passphrase: string }> {
	let data: Record<string, unknown> | undefined;
	let failure: unknown;
	try {
		data = (await ctx.getCredentials(FLOW_KEY_CREDENTIAL_TYPE)) as Record<string, unknown>;
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined)
		throw new FlowKeyError('No WhatsApp Flow Key credential is selected', {
			field: 'Credential to connect with',
			hint: 'Create a WhatsApp Flow Key credential (private key and passphrase) and select it in this node.',
			cause: failure,
		});
	return { privateKey: String(data?.privateKey ?? ''), passphrase: String(data?.passphrase ?? '') };
}

/** The credential's private key as a KeyObject (parsed once per process and key). */
export async function readFlowPrivateKey(ctx: WhatsAppFunctions): Promise<KeyObject> {
	const { privateKey, passphrase } = await flowKeyCredential(ctx);
	return loadPrivateKey(privateKey, passphrase);
}

/** The passphrase, only to encrypt a newly generated private key with it. */
export async function readFlowPassphrase(ctx: WhatsAppFunctions): Promise<string> {
	return (await flowKeyCredential(ctx)).passphrase;
}

/** The flow-token signing key derived from the WhatsApp credential's App Secret. */
export async function readFlowTokenKey(ctx: WhatsAppFunctions): Promise<Buffer> {
	return flowTokenKey((await getWebhookSecrets.call(ctx)).appSecret);
}

/** Credential test (testedBy): the key opens with the passphrase and is a 2048-bit RSA key. */
export function testFlowKey(data: Record<string, unknown>): { status: 'OK' | 'Error'; message: string } {
	let message = '';
	try {
		loadPrivateKey(String(data.privateKey ?? ''), String(data.passphrase ?? ''));
	} catch (error) {
		const e = error as FlowKeyError;
		message = `${e.message}${e.hint ? `: ${e.hint}` : ''}`;
	}
	return message
		? { status: 'Error', message }
		: { status: 'OK', message: 'The private key opens with this passphrase' };
}
