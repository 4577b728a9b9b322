/**
 * Resource-locator list search over the WABA's message templates. Shows APPROVED templates by default; typing a
 * status (PENDING, PAUSED, REJECTED, DISABLED) lists templates with that status too. The filter text also matches
 * name, language and category. Value: `name|language`.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { templateKey } from '../../../core/whatsapp/messages/template';
import { getWhatsAppContext } from '../../shared/transport';

const STATUSES = ['APPROVED', 'PENDING', 'PAUSED', 'REJECTED', 'DISABLED', 'IN_APPEAL'];

export async function searchTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { client, wabaId } = await getWhatsAppContext.call(this);
	const words = (filter ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean);
	const status = STATUSES.find((s) => words.includes(s.toLowerCase())) ?? 'APPROVED';
	const terms = words.filter((w) => w !== status.toLowerCase());
	const page = await client.listTemplates(wabaId, {
		status,
		limit: 100,
		after: paginationToken || undefined,
	});
	const results = page.templates
		.filter((t) => {
			const haystack = `${t.name} ${t.language} ${t.category}`.toLowerCase();
			return terms.every((term) => haystack.includes(term));
		})
		.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language))
		.map((t) => ({
			name: `${t.name} (${t.language}) · ${t.category}${t.status === 'APPROVED' ? '' : ` · ${t.status}`}`,
			value: templateKey(t.name, t.language),
		}));
	return { results, paginationToken: page.hasMore ? page.after : undefined };
}
