/**
 * The WhatsApp Cloud API client of a node: a GraphClient whose every Graph call goes through the one HTTP adapter
 * (nodes/shared/http.ts, n8n's `httpRequestWithAuthentication('whatsAppClinicApi', …)`), so n8n adds the Bearer
 * token and the token never passes through our code. Secrets are only handed out by `getWebhookSecrets` (for the
 * trigger).
 */
import type { ICredentialDataDecryptedObject, ICredentialsDecrypted } from 'n8n-workflow';

import {
	DEFAULT_BASE_URL,
	DEFAULT_GRAPH_API_VERSION,
	normalizeApiVersion,
	normalizeBaseUrl,
} from '../../core/whatsapp/api-version';
import { GraphClient, type GraphClientOptions } from '../../core/whatsapp/graph-client';
import { createHttpSender, type HttpFunctions } from './http';
import { sharedPacing } from './send-budget';

export const WHATSAPP_CREDENTIAL_TYPE = 'whatsAppClinicApi';

/** Fields of the WhatsApp Clinic Cloud API credential. */
export interface WhatsAppClinicCredential {
	accessToken: string;
	phoneNumberId: string;
	businessAccountId: string;
	appSecret: string;
	webhookVerifyToken: string;
	graphApiVersion: string;
	baseUrl: string;
}

export type WhatsAppFunctions = HttpFunctions;

export interface WhatsAppContextOptions {
	/** Messages per second for this phone number (1..1000, default 80). */
	mps?: number;
	/** Use this phone number instead of the credential's (e.g. chosen in the node). */
	phoneNumberId?: string;
	timeoutMs?: number;
	retry?: GraphClientOptions['retry'];
	maxPairWaitMs?: number;
	/**
	 * Bulk sends: hand the credential read once here to n8n with every request (`credentialsDecrypted`). n8n still
	 * adds the Bearer token itself but skips loading and decrypting the credential again for each of thousands of
	 * sends (that per-request cost, not WhatsApp, capped bulk throughput inside n8n).
	 */
	reuseCredential?: boolean;
	/** Checked right before each message request leaves (GraphClientOptions.clearance; the send-time consent). */
	clearance?: GraphClientOptions['clearance'];
}

export interface WhatsAppContext {
	client: GraphClient;
	phoneNumberId: string;
	wabaId: string;
	apiVersion: string;
	baseUrl: string;
}

export interface WebhookSecrets {
	appSecret: string;
	verifyToken: string;
}

async function readCredentialData(context: WhatsAppFunctions): Promise<ICredentialDataDecryptedObject> {
	return (await context.getCredentials(WHATSAPP_CREDENTIAL_TYPE)) ?? {};
}

async function readCredential(context: WhatsAppFunctions): Promise<Partial<WhatsAppClinicCredential>> {
	return (await readCredentialData(context)) as Partial<WhatsAppClinicCredential>;
}

/** The credential as n8n's request helper takes it back (`credentialsDecrypted`). */
function decryptedCredential(
	context: WhatsAppFunctions,
	data: ICredentialDataDecryptedObject,
): ICredentialsDecrypted {
	const reference = context.getNode().credentials?.[WHATSAPP_CREDENTIAL_TYPE];
	return {
		id: reference?.id ?? WHATSAPP_CREDENTIAL_TYPE,
		name: reference?.name ?? WHATSAPP_CREDENTIAL_TYPE,
		type: WHATSAPP_CREDENTIAL_TYPE,
		data,
	};
}

/**
 * A GraphClient for the node's credential plus the IDs a node needs. No secret is returned.
 * Throws a plain Error naming the credential field when a required value is missing or malformed.
 */
export async function getWhatsAppContext(
	this: WhatsAppFunctions,
	options: WhatsAppContextOptions = {},
): Promise<WhatsAppContext> {
	const data = await readCredentialData(this);
	const credential = data as Partial<WhatsAppClinicCredential>;
	const baseUrl = normalizeBaseUrl(String(credential.baseUrl ?? '') || DEFAULT_BASE_URL);
	const apiVersion = normalizeApiVersion(
		String(credential.graphApiVersion ?? '') || DEFAULT_GRAPH_API_VERSION,
	);
	const phoneNumberId = String(options.phoneNumberId || credential.phoneNumberId || '').trim();
	const wabaId = String(credential.businessAccountId ?? '').trim();
	// Sends (they set a pace) from a node whose Clinic Store credential is PostgreSQL share one budget per number
	// with every n8n process (queue mode); otherwise the process-wide limiter paces them.
	const shared =
		options.mps !== undefined
			? await sharedPacing(this, { baseUrl, phoneNumberId, mps: options.mps })
			: undefined;
	const client = new GraphClient({
		send: createHttpSender(
			this,
			WHATSAPP_CREDENTIAL_TYPE,
			options.reuseCredential ? { credentialsDecrypted: decryptedCredential(this, data) } : {},
		),
		baseUrl,
		apiVersion,
		limiterMps: options.mps,
		timeoutMs: options.timeoutMs,
		retry: options.retry,
		maxPairWaitMs: options.maxPairWaitMs,
		limiter: shared?.limiter,
		pairGuard: shared?.pairGuard,
		clearance: options.clearance,
	});
	return { client, phoneNumberId, wabaId, apiVersion, baseUrl };
}

/** App secret (HMAC of webhook bodies) and verify token (GET handshake), for the trigger only. */
export async function getWebhookSecrets(this: WhatsAppFunctions): Promise<WebhookSecrets> {
	const credential = await readCredential(this);
	return {
		appSecret: String(credential.appSecret ?? ''),
		verifyToken: String(credential.webhookVerifyToken ?? ''),
	};
}
