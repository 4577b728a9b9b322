/**
 * Resource mapper: the chosen template's variables, header media and dynamic buttons appear as fields
 * (`body_1`, `body_first_name`, `header_media`, `button_1_url_suffix`…), labelled with the placeholder and the
 * approved example.
 */
import type { ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { findTemplate, parseTemplateRef } from '../../../core/whatsapp/messages/template';
import {
	templateParameters,
	type TemplateDefinition,
} from '../../../core/whatsapp/messages/template-parameters';
import { MessageValidationError } from '../../../core/whatsapp/messages/validation';
import { getWhatsAppContext } from '../../shared/transport';
import { loadTemplatesByName } from '../../../core/whatsapp/template-cache';

/** The template chosen in the editor, or why there is none (no template yet, an expression, unknown name). */
export async function currentTemplate(
	this: ILoadOptionsFunctions,
): Promise<{ def: TemplateDefinition } | { notice: string }> {
	const ref = (this.getCurrentNodeParameter('template', { extractValue: true }) ??
		this.getNodeParameter('template', '', { extractValue: true })) as string;
	if (typeof ref !== 'string' || !ref.trim() || ref.includes('{{'))
		return {
			notice: 'Pick a template first (or use Parameter Source "JSON" for templates chosen by expression).',
		};
	const { name, language } = parseTemplateRef(ref);
	const { client, wabaId } = await getWhatsAppContext.call(this);
	const all = await loadTemplatesByName(client, wabaId, name);
	try {
		return { def: findTemplate(all, name, language) };
	} catch (error) {
		// findTemplate only throws MessageValidationError: unknown name / language.
		return { notice: (error as MessageValidationError).message };
	}
}

export async function getTemplateParameters(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const current = await currentTemplate.call(this);
	if ('notice' in current) return { fields: [], emptyFieldsNotice: current.notice };
	const { def } = current;
	const fields: ResourceMapperField[] = templateParameters(def).map((p) => ({
		id: p.key,
		displayName: `${p.label}${p.example ? ` — e.g. ${p.example}` : ''}`,
		// Media headers may come from a binary property instead (option), so the mapper does not force them.
		required: p.required && p.kind !== 'image' && p.kind !== 'video' && p.kind !== 'document',
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
	}));
	return {
		fields,
		emptyFieldsNotice: `Template "${def.name}" (${def.language}) has no variables: nothing to fill in.`,
	};
}
