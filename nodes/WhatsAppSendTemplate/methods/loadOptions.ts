/**
 * Dropdowns of the "Variable Formats" option: the chosen template's header and body variables (`body_2`,
 * `header_1`, `body_first_name`), labelled with the placeholder and the approved example.
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { templateParameters } from '../../../core/whatsapp/messages/template-parameters';
import { currentTemplate } from './resourceMapping';

export async function getTemplateVariables(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const current = await currentTemplate.call(this);
	if ('notice' in current) return [];
	return templateParameters(current.def)
		.filter((p) => p.kind === 'text')
		.map((p) => ({
			name: `${p.label}${p.example ? ` — e.g. ${p.example}` : ''}`,
			value: p.key,
			description: p.hint,
		}));
}
