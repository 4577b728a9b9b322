/** Loading template definitions from the WABA (shared by list search, resource mapping and execute). */
import type { GraphClient, MessageTemplate } from '../../../core/whatsapp/graph-client';
import type { TemplateDefinition } from '../../../core/whatsapp/messages/template';

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

/** All languages of the templates called `name` (Meta filters by name; we keep exact matches only). */
export async function loadTemplatesByName(
	client: GraphClient,
	wabaId: string,
	name: string,
): Promise<TemplateDefinition[]> {
	const templates = await client.listAllTemplates(wabaId, { name, limit: 100 }, 5);
	return templates.filter((t) => t.name === name).map(toDefinition);
}

/** Per-execution cache: one template lookup per distinct name, however many items use it. */
export class TemplateCache {
	private readonly byName = new Map<string, Promise<TemplateDefinition[]>>();

	constructor(
		private readonly client: GraphClient,
		private readonly wabaId: string,
	) {}

	async get(name: string): Promise<TemplateDefinition[]> {
		let hit = this.byName.get(name);
		if (!hit) {
			hit = loadTemplatesByName(this.client, this.wabaId, name);
			this.byName.set(name, hit);
		}
		return await hit;
	}
}
