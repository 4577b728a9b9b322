/**
 * The `default` webhook (POST): one delivery from Meta. Only n8n glue lives here: reading the raw body, the
 * credential and the parameters, the response object, media as binary data, and turning emitted events into items.
 * The pipeline itself (signature → parse → events → filter → age → dedup → media → hooks) and every decision about
 * what Meta is answered and when claims are released are in core/webhook/pipeline.ts.
 */
import type {
	IBinaryData,
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { EmitHook, EmittedEvent } from '../../../core/webhook/emitted';
import { createProcessedEventStore, type ProcessedEventStore } from '../../../core/webhook/dedup';
import { parsePhoneNumberFilter } from '../../../core/webhook/filter';
import { downloadEventMedia } from '../../../core/webhook/media-download';
import {
	CREDENTIAL_UNAVAILABLE,
	processDelivery,
	type DeliverySettings,
} from '../../../core/webhook/pipeline';
import { maxEventAgeMs } from '../../../core/webhook/replay-window';
import { SIGNATURE_HEADER } from '../../../core/webhook/signature';
import { getClinicStore } from '../../shared/store';
import { WHATSAPP_CREDENTIAL_TYPE, getWebhookSecrets, getWhatsAppContext } from '../../shared/transport';
import { reply, triggerLog } from './reply';

export interface DeliveryDependencies {
	/** Optional cross-process dedup (Clinic Store). */
	resolveStore?: (context: IWebhookFunctions) => Promise<ProcessedEventStore | undefined>;
	/** Every emitted event passes through these (e.g. audit). */
	emitHooks?: EmitHook[];
}

/** The Clinic Store's processed-event table when "Remember Processed Events In" is Clinic Store, else none. */
export async function resolveDedupStore(
	context: IWebhookFunctions,
): Promise<ProcessedEventStore | undefined> {
	if (context.getNodeParameter('deduplicationStore', 'workflow') !== 'clinicStore') return undefined;
	return createProcessedEventStore(await getClinicStore(context));
}

/** One item per emitted event: the event as JSON, `mediaError` when the download failed, the file as binary. */
export function toItems(
	emitted: ReadonlyArray<EmittedEvent<IBinaryData>>,
	binaryPropertyName: string,
): INodeExecutionData[] {
	return emitted.map(({ event, media }) => {
		const json = { ...event } as unknown as IDataObject;
		if (media?.mediaError) json.mediaError = { ...media.mediaError };
		const item: INodeExecutionData = { json };
		if (media?.binary) item.binary = { [binaryPropertyName]: media.binary };
		return item;
	});
}

function dedupScope(context: IWebhookFunctions): string {
	const workflowId = context.getWorkflow().id ?? 'unsaved';
	return `${workflowId}:${context.getNode().id}:${context.getMode() === 'manual' ? 'test' : 'live'}`;
}

async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer | undefined> {
	const req = context.getRequestObject();
	if (!req.rawBody && typeof req.readRawBody === 'function') await req.readRawBody();
	return req.rawBody;
}

/** POST: hands the request to the pipeline and turns its outcome into n8n's answer. */
export async function handleDelivery(
	this: IWebhookFunctions,
	deps: DeliveryDependencies = {},
): Promise<IWebhookResponseData> {
	const log = triggerLog(this);
	const rawBody = await rawBodyOf(this);

	let appSecret = '';
	let credentialPhoneNumberId = '';
	try {
		appSecret = (await getWebhookSecrets.call(this)).appSecret;
		// Only the ID is read here; a malformed Base URL / API version must not block receiving webhooks.
		const credential = await this.getCredentials(WHATSAPP_CREDENTIAL_TYPE);
		credentialPhoneNumberId = String(credential.phoneNumberId ?? '').trim();
	} catch (error) {
		log.error(`cannot read the credential (${(error as Error).message})`);
		return reply(this, CREDENTIAL_UNAVAILABLE.status, CREDENTIAL_UNAVAILABLE.body);
	}

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const settings: DeliverySettings = {
		appSecret,
		kinds: new Set(this.getNodeParameter('events', ['message']) as string[]),
		phoneNumbers: parsePhoneNumberFilter(
			String(this.getNodeParameter('phoneNumberIds', '') ?? ''),
			credentialPhoneNumberId,
		),
		includeRaw: options.includeRaw === true,
		downloadMedia: options.downloadMedia === true,
		maxEventAgeMs: maxEventAgeMs(options.maxEventAgeDays),
	};
	const binaryPropertyName = String(options.binaryPropertyName || 'data');

	const outcome = await processDelivery<IBinaryData>(
		{ rawBody, signature: this.getRequestObject().headers[SIGNATURE_HEADER] },
		settings,
		{
			dedup: {
				scope: dedupScope(this),
				state: this.getWorkflowStaticData('node'),
				resolveStore: deps.resolveStore ? async () => await deps.resolveStore?.(this) : undefined,
			},
			acknowledge: () => reply(this, 200, 'OK'),
			downloadMedia: async (events) => {
				const { client } = await getWhatsAppContext.call(this);
				return await downloadEventMedia(
					events,
					client,
					Number(options.maxMediaSizeMb ?? 16),
					async (data, fileName, mimeType) => await this.helpers.prepareBinaryData(data, fileName, mimeType),
				);
			},
			hooks: deps.emitHooks,
			log,
		},
	);
	if (outcome.kind === 'answer') return reply(this, outcome.status, outcome.body);
	const items = toItems(outcome.emitted, binaryPropertyName);
	return outcome.acknowledged
		? { workflowData: [items], noWebhookResponse: true }
		: { workflowData: [items] };
}
