/**
 * Resource-locator list search over the WABA's message templates. Shows APPROVED templates by default; typing a
 * status (PENDING, PAUSED, REJECTED, DISABLED) lists templates with that status too. The filter text also matches
 * name, language and category. Value: `name|language`.
 */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { templateKey } from '../../../core/whatsapp/messages/template-parameters';
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
	const languages = new Set(page.templates.map((t) => t.language.toLowerCase()));
	// A term that is a language code ("es", "pt_br") filters by language; others match name or category.
	const matches = (t: { name: string; language: string; category: string }, term: string) => {
		const language = t.language.toLowerCase();
		if (languages.has(term) || [...languages].some((l) => l.startsWith(`${term}_`)))
			return language === term || language.startsWith(`${term}_`);
		return t.name.toLowerCase().includes(term) || t.category.toLowerCase().includes(term);
	};
	const results = page.templates
		.filter((t) => terms.every((term) => matches(t, term)))
		.sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language))
		.map((t) => ({
			name: `${t.name} (${t.language}) · ${t.category}${t.status === 'APPROVED' ? '' : ` · ${t.status}`}`,
			value: templateKey(t.name, t.language),
		}));
	return { results, paginationToken: page.hasMore ? page.after : undefined };
}
