/**
 * Loading message-template definitions from the WhatsApp Business Account (shared by the Send Template node's list
 * search, resource mapper and sending). `TemplateCache` is per execution: one lookup per distinct template name,
 * however many items use it (concurrent callers share the same request; a failed lookup fails every item that
 * uses the name, without asking Meta again for each of thousands of items).
 */
import type { MessageTemplate, TemplateQuery } from './graph-types';
import type { TemplateDefinition } from './messages/template-parameters';

/** The part of GraphClient the template lookups need. */
export interface TemplateSource {
	listAllTemplates(wabaId: string, query?: TemplateQuery, maxPages?: number): Promise<MessageTemplate[]>;
}

/** Pages followed per name lookup (100 templates each: every language of one name fits in the first). */
const MAX_PAGES = 5;

export function toDefinition(template: MessageTemplate): TemplateDefinition {
	return {
		id: template.id,
		name: template.name,
		language: template.language,
		status: template.status,
		category: template.category,
		parameter_format: template.parameter_format,
		components: (template.components ?? []) as TemplateDefinition['components'],
	};
}

/** All languages of the templates called `name` (Meta filters by name prefix; only exact matches are kept). */
export async function loadTemplatesByName(
	source: TemplateSource,
	wabaId: string,
	name: string,
): Promise<TemplateDefinition[]> {
	const templates = await source.listAllTemplates(wabaId, { name, limit: 100 }, MAX_PAGES);
	return templates.filter((t) => t.name === name).map(toDefinition);
}

/** Per-execution cache of template definitions by name. */
export class TemplateCache {
	private readonly byName = new Map<string, Promise<TemplateDefinition[]>>();

	constructor(
		private readonly source: TemplateSource,
		private readonly wabaId: string,
	) {}

	async get(name: string): Promise<TemplateDefinition[]> {
		let hit = this.byName.get(name);
		if (!hit) {
			hit = loadTemplatesByName(this.source, this.wabaId, name);
			this.byName.set(name, hit);
		}
		return await hit;
	}
}
