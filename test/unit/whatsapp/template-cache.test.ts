/** The per-execution template cache (core/whatsapp/template-cache.ts) over a fake template source. */
import type { MessageTemplate, TemplateQuery } from '../../../core/whatsapp/graph-types';
import {
	loadTemplatesByName,
	TemplateCache,
	type TemplateSource,
} from '../../../core/whatsapp/template-cache';

const template = (name: string, language: string, status = 'APPROVED'): MessageTemplate => ({
	id: `${name}-${language}`,
	name,
	language,
	status,
	category: 'UTILITY',
	parameter_format: 'POSITIONAL',
	components: [{ type: 'BODY', text: 'Hi {{1}}' }],
});

function source(templates: MessageTemplate[], fail?: Error) {
	const calls: Array<{ wabaId: string; query?: TemplateQuery; maxPages?: number }> = [];
	const src: TemplateSource = {
		async listAllTemplates(wabaId, query, maxPages) {
			calls.push({ wabaId, query, maxPages });
			await Promise.resolve();
			if (fail) throw fail;
			// Meta matches names by prefix: reminder also finds reminder_v2.
			return templates.filter((t) => !query?.name || t.name.startsWith(query.name));
		},
	};
	return { src, calls };
}

describe('loadTemplatesByName', () => {
	it('asks for the name and keeps exact matches only, every language, as definitions', async () => {
		const { src, calls } = source([
			template('reminder', 'pt_BR'),
			template('reminder', 'en_US', 'PAUSED'),
			template('reminder_v2', 'pt_BR'),
		]);
		const defs = await loadTemplatesByName(src, 'waba-1', 'reminder');
		expect(calls).toEqual([{ wabaId: 'waba-1', query: { name: 'reminder', limit: 100 }, maxPages: 5 }]);
		expect(defs).toEqual([
			{
				id: 'reminder-pt_BR',
				name: 'reminder',
				language: 'pt_BR',
				status: 'APPROVED',
				category: 'UTILITY',
				parameter_format: 'POSITIONAL',
				components: [{ type: 'BODY', text: 'Hi {{1}}' }],
			},
			expect.objectContaining({ language: 'en_US', status: 'PAUSED' }),
		]);
	});
});

describe('TemplateCache', () => {
	it('looks each name up once, however many items (also concurrently) use it', async () => {
		const { src, calls } = source([template('reminder', 'pt_BR'), template('lab_results', 'es')]);
		const cache = new TemplateCache(src, 'waba-1');
		const results = await Promise.all([
			cache.get('reminder'),
			cache.get('reminder'),
			cache.get('lab_results'),
			cache.get('reminder'),
		]);
		expect(calls.map((c) => c.query?.name)).toEqual(['reminder', 'lab_results']);
		expect(results[0]).toBe(results[1]);
		expect(results[2].map((d) => d.language)).toEqual(['es']);
	});

	it('a failed lookup fails every item using the name without asking Meta again', async () => {
		const { src, calls } = source([], new Error('rate limited'));
		const cache = new TemplateCache(src, 'waba-1');
		await expect(cache.get('reminder')).rejects.toThrow('rate limited');
		await expect(cache.get('reminder')).rejects.toThrow('rate limited');
		expect(calls).toHaveLength(1);
	});
});
