/** The optional "Add Text" of Get / Set Conversation: a text of the table, in the patient's language. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { ClinicError } from '../../../core/errors';

export interface TextRequest {
	key: string;
	variables: Record<string, string>;
}

export function readTextRequest(ctx: IExecuteFunctions, itemIndex: number): TextRequest | undefined {
	const key = String(ctx.getNodeParameter('textKey', itemIndex, '') ?? '').trim();
	if (!key) return undefined;
	let raw = ctx.getNodeParameter('textVariables', itemIndex, {}) as unknown;
	if (typeof raw === 'string') {
		try {
			raw = raw.trim() === '' ? {} : JSON.parse(raw);
		} catch {
			raw = null;
		}
	}
	if (!raw || typeof raw !== 'object' || Array.isArray(raw))
		throw new ClinicError('Text Placeholders: must be an object, e.g. {{ { text: $json.body.text } }}', {
			code: 'invalid_input',
			field: 'Text Placeholders',
			hint: 'Give one value per {placeholder} of the text, or leave {} when it has none.',
		});
	const variables = Object.fromEntries(
		Object.entries(raw as Record<string, unknown>).map(([k, v]) => [
			k,
			v === null || v === undefined ? '' : String(v),
		]),
	);
	return { key, variables };
}
