/**
 * Writes the generated field tables of the documentation: `npm run docs` (tsx scripts/docs/node-fields.ts).
 *
 * Each docs/nodes/<Node>.md page holds one block between `<!-- fields:start -->` and `<!-- fields:end -->`,
 * generated from the node's `description` (nodes/<Node>/<Node>.node.ts) by scripts/docs/field-table.ts: credentials,
 * operations and one row per field. docs/credentials.md holds one block per credential
 * (`<!-- fields:start credential=Name -->`). Everything outside the markers is hand-written and left alone.
 * test/unit/docs/fields.test.ts fails when a block is stale; `--check` does the same from the command line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import { ROOT, renderCredentialFields, renderNodeFields } from './field-table';

export { ROOT };

interface PackageJson {
	n8n: { nodes: string[]; credentials: string[] };
}

/** `dist/nodes/X/X.node.js` → `X`: every node and credential the package registers has a page (block). */
function registered(kind: 'nodes' | 'credentials'): string[] {
	const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
	return pkg.n8n[kind].map((file) => basename(file).replace(/\.(node|credentials)\.js$/, ''));
}

/** The documented nodes: every node package.json registers (each needs docs/nodes/<Node>.md). */
export const NODES: readonly string[] = registered('nodes');

/** Every credential package.json registers (each needs a block in docs/credentials.md). */
export const CREDENTIALS: readonly string[] = registered('credentials');

const START = /<!-- fields:start(?: credential=(\w+))? -->/g;
const END = '<!-- fields:end -->';

/** Replaces every generated block of `text`; `render(credential?)` gives a block's content. */
export function fillBlocks(text: string, render: (credential: string | undefined) => string): string {
	let out = '';
	let last = 0;
	for (const match of text.matchAll(START)) {
		const start = match.index + match[0].length;
		const end = text.indexOf(END, start);
		if (end < 0) throw new Error(`"${match[0]}" without "${END}"`);
		out += `${text.slice(last, start)}\n${render(match[1])}`;
		last = end;
	}
	return out + text.slice(last);
}

export interface DocPage {
	file: string;
	render: (credential: string | undefined) => string;
}

export function docPages(): DocPage[] {
	return [
		...NODES.map((node) => ({
			file: join(ROOT, 'docs', 'nodes', `${node}.md`),
			render: () => renderNodeFields(node),
		})),
		{
			file: join(ROOT, 'docs', 'credentials.md'),
			render: (credential: string | undefined) => {
				if (!credential) throw new Error('docs/credentials.md: a block needs credential=<Name>');
				return renderCredentialFields(credential);
			},
		},
	];
}

/** The page as it should be: its generated blocks regenerated. */
export function expectedPage(page: DocPage): { current: string; expected: string } {
	if (!existsSync(page.file))
		throw new Error(
			`${relative(ROOT, page.file)} is missing: every registered node needs a page (copy another node's page, keep the "<!-- fields:start -->" / "<!-- fields:end -->" markers) and run \`npm run docs\``,
		);
	const current = readFileSync(page.file, 'utf8');
	if (!current.match(START))
		throw new Error(`${relative(ROOT, page.file)} has no "<!-- fields:start -->" marker`);
	return { current, expected: fillBlocks(current, page.render) };
}

function main(): void {
	const check = process.argv.includes('--check');
	let stale = 0;
	for (const page of docPages()) {
		const { current, expected } = expectedPage(page);
		const name = relative(ROOT, page.file);
		if (current === expected) continue;
		stale++;
		if (check) console.log(`stale: ${name}`);
		else {
			writeFileSync(page.file, expected);
			console.log(`updated: ${name}`);
		}
	}
	if (check && stale) {
		console.log('Run `npm run docs` to regenerate the field tables.');
		process.exitCode = 1;
	} else if (!stale) console.log('docs: every field table is current');
}

if (require.main === module) main();
