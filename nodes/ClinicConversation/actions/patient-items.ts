/**
 * The item loop of Get / Set Conversation: read each item's patient (a bad one becomes that item's error), ONE
 * store call for all of them, then each input item comes out with the patient's conversation and language added.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	type ConversationService,
	type LanguageSettings,
	type PatientConversation,
	conversationJson,
} from '../../../core/conversation';
import type { TextTable } from '../../../core/i18n';
import { failItem } from '../../shared/items';
import type { OperationHandler } from '../../shared/router';
import { readLanguageSettings, readTexts } from './settings';
import { type TextRequest, readTextRequest } from './text-option';

export async function patientItems<T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	table: TextTable,
	read: (itemIndex: number) => T,
	call: (requests: T[]) => Promise<PatientConversation[]>,
): Promise<INodeExecutionData[][]> {
	const out: INodeExecutionData[] = new Array(items.length);
	const wanted: Array<{ index: number; request: T; text?: TextRequest }> = [];
	items.forEach((item, i) => {
		try {
			wanted.push({ index: i, request: read(i), text: readTextRequest(ctx, i) });
		} catch (error) {
			out[i] = failItem(ctx, error, i, item.json);
		}
	});
	const conversations = await call(wanted.map((w) => w.request));
	wanted.forEach((w, k) => {
		const item = items[w.index];
		try {
			const added = conversationJson(conversations[k], table, w.text) as IDataObject;
			out[w.index] = { json: { ...item.json, ...added }, pairedItem: { item: w.index } };
		} catch (error) {
			out[w.index] = failItem(ctx, error, w.index, item.json);
		}
	});
	return [out];
}

/**
 * A Get / Set Conversation operation: `read` one item's request (its patient…), `call` the service once with all
 * of them; the language settings and the text table are read once.
 */
export function patientOperation<T>(
	read: (ctx: IExecuteFunctions, itemIndex: number) => T,
	call: (
		service: ConversationService,
		requests: T[],
		settings: LanguageSettings,
	) => Promise<PatientConversation[]>,
): OperationHandler<ConversationService> {
	return async function (this: IExecuteFunctions, items, service) {
		const settings = readLanguageSettings(this);
		return await patientItems(
			this,
			items,
			readTexts(this, settings),
			(i) => read(this, i),
			async (requests) => await call(service, requests, settings),
		);
	};
}
