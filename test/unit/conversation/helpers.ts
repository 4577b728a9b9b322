/** Messages and scripts for the conversation tests. */
import { type IncomingMessage, buildScript } from '../../../core/conversation';
import { buildTextTable } from '../../../core/i18n';

export const NOW = Date.parse('2026-06-15T12:00:00Z');
export const BR = '5511912345678';

export const table = buildTextTable({ defaultLanguage: 'pt_BR' });
export const script = buildScript({}, table);

export function msg(fields: Partial<IncomingMessage> = {}): IncomingMessage {
	return {
		from: BR,
		userId: null,
		profileName: 'Maria',
		messageId: 'wamid.1',
		type: fields.payload || fields.listId ? 'interactive' : 'text',
		text: null,
		payload: null,
		listId: null,
		consent: null,
		...fields,
	};
}

export const say = (text: string, from = BR) => msg({ text, from });
export const tap = (payload: string, from = BR) => msg({ payload, from });
export const pick = (listId: string, from = BR) => msg({ listId, from });
