/**
 * The field tables in docs/nodes/*.md and docs/credentials.md are generated from the node and credential
 * descriptions (scripts/docs/node-fields.ts). This fails when a page's generated part no longer matches the code.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import {
	CREDENTIALS,
	NODES,
	ROOT,
	docPages,
	expectedPage,
	fillBlocks,
} from '../../../scripts/docs/node-fields';

describe('generated field tables', () => {
	it('fills only what is between the markers', () => {
		const text =
			'intro\n<!-- fields:start -->\nold\n<!-- fields:end -->\nafter\n<!-- fields:start credential=X -->\n<!-- fields:end -->\n';
		const out = fillBlocks(text, (credential) => `new ${credential ?? 'node'}\n`);
		expect(out).toBe(
			'intro\n<!-- fields:start -->\nnew node\n<!-- fields:end -->\nafter\n<!-- fields:start credential=X -->\nnew X\n<!-- fields:end -->\n',
		);
		expect(fillBlocks(out, (credential) => `new ${credential ?? 'node'}\n`)).toBe(out);
	});

	it('covers every node and credential package.json registers', () => {
		expect(NODES).toEqual(expect.arrayContaining(['WhatsAppClinicTrigger', 'AuditLog']));
		const credentialsPage = readFileSync(join(ROOT, 'docs', 'credentials.md'), 'utf8');
		const missing = CREDENTIALS.filter(
			(name) => !credentialsPage.includes(`<!-- fields:start credential=${name} -->`),
		);
		expect(missing).toEqual([]);
	});

	it.each(docPages().map((page) => [relative(ROOT, page.file), page]))(
		'%s is current (if not: run `npm run docs` and commit the page)',
		(name, page) => {
			const { current, expected } = expectedPage(page);
			if (current !== expected)
				throw new Error(
					`${name}: the generated field table is stale. Run \`npm run docs\` and commit the page.`,
				);
			expect(current).toBe(expected);
		},
		120_000,
	);
});
