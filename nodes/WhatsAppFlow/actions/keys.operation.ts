/**
 * The data endpoint's key pair. Generate and Upload creates a 2048-bit RSA pair, uploads the public key to the
 * phone number (POST /{phone-number-id}/whatsapp_business_encryption) and outputs the private key only ENCRYPTED
 * with the credential's passphrase (PKCS#8, AES-256-CBC), to paste into the credential: the clear private key never
 * reaches an item or a log. Upload and Get work from the credential's current key.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { generateFlowKeyPair, keyFingerprint, publicKeyPem } from '../../../core/flows/crypto';
import { FlowsClient } from '../../../core/flows/management';
import { readFlowPassphrase, readFlowPrivateKey } from '../../shared/flow-key';
import type { FlowService } from './manage.operation';

export async function generateKeyPair(
	this: IExecuteFunctions,
	_i: number,
	service: FlowService,
): Promise<IDataObject> {
	const pair = generateFlowKeyPair(await readFlowPassphrase(this));
	const context = await service.whatsApp();
	const flows = new FlowsClient(context.client);
	const uploaded = await flows.setBusinessPublicKey(context.phoneNumberId, pair.publicKeyPem);
	const status = await flows.getBusinessPublicKey(context.phoneNumberId);
	return {
		uploaded,
		phoneNumberId: context.phoneNumberId,
		fingerprint: pair.fingerprint,
		signatureStatus: status.signatureStatus,
		publicKey: pair.publicKeyPem,
		encryptedPrivateKey: pair.encryptedPrivateKeyPem,
		nextStep:
			'Paste encryptedPrivateKey into the WhatsApp Flow Key credential’s Private Key (keep the same passphrase). Until then the endpoint answers 421 and WhatsApp retries with the new key.',
	};
}

export async function uploadPublicKey(
	this: IExecuteFunctions,
	_i: number,
	service: FlowService,
): Promise<IDataObject> {
	const key = await readFlowPrivateKey(this);
	const context = await service.whatsApp();
	const flows = new FlowsClient(context.client);
	const uploaded = await flows.setBusinessPublicKey(context.phoneNumberId, publicKeyPem(key));
	const status = await flows.getBusinessPublicKey(context.phoneNumberId);
	return {
		uploaded,
		phoneNumberId: context.phoneNumberId,
		fingerprint: keyFingerprint(key),
		signatureStatus: status.signatureStatus,
	};
}

export async function getPublicKey(
	this: IExecuteFunctions,
	_i: number,
	service: FlowService,
): Promise<IDataObject> {
	const context = await service.whatsApp();
	const status = await new FlowsClient(context.client).getBusinessPublicKey(context.phoneNumberId);
	const atMeta = status.publicKeyPem ? keyFingerprint(status.publicKeyPem) : null;
	let credential: string | null = null;
	try {
		credential = keyFingerprint(await readFlowPrivateKey(this));
	} catch {
		credential = null;
	}
	return {
		phoneNumberId: context.phoneNumberId,
		signatureStatus: status.signatureStatus || null,
		fingerprintAtMeta: atMeta,
		fingerprintOfCredential: credential,
		matchesCredential: atMeta !== null && atMeta === credential,
	};
}
