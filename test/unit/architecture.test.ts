/**
 * The layout rules, checked cheaply by reading the files as text (nothing is compiled or loaded):
 *   - core/ is n8n-free: no n8n package and nothing from nodes/;
 *   - a node folder nodes/<A>/ imports only itself, nodes/shared/ and core/ (never another node's folder);
 *   - nodes/shared/ imports no node folder;
 *   - the dev stack test/stack/ (used by e2e, demo and bench) imports neither scripts/ nor bench/;
 *   - no non-test source file is over 400 lines, except the data tables in LONG_FILES_ALLOWED.
 * Imports are the static forms (`import … from`, `export … from`, `import '…'`, `import('…')`, `require('…')`);
 * paths built at run time (require(join(__dirname, …))) are not seen.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const MAX_LINES = 400;

/** Files allowed over MAX_LINES: data tables only, each with the reason it is one file. */
const LONG_FILES_ALLOWED: Record<string, string> = {
	'simulator/templates.ts':
		"data table: the simulator's seeded message templates in Meta's template JSON, one entry per template",
	'core/whatsapp/error-catalogue.ts':
		"data table: Meta's WhatsApp Cloud API error codes, one entry per code (meaning, retry, what to do)",
};

/** Folders whose files are source, not tests (test/stack is the dev stack the e2e tests, demo and bench share). */
const SOURCE_ROOTS = ['core', 'nodes', 'credentials', 'simulator', 'bench', 'scripts', 'test/stack'];
const SOURCE_FILE = /\.(ts|js|mjs|cjs)$/;
const TEST_FILE = /\.(test|spec)\.ts$/;

/** Repo-relative posix paths of the source files under `dir` (node_modules, dist and dot-folders skipped). */
function sourceFiles(dir: string): string[] {
	const abs = join(ROOT, dir);
	if (!existsSync(abs)) return [];
	const out: string[] = [];
	for (const entry of readdirSync(abs, { withFileTypes: true })) {
		if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'dist') continue;
		const path = posix.join(dir, entry.name);
		if (entry.isDirectory()) out.push(...sourceFiles(path));
		else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
	}
	return out.sort();
}

interface Import {
	file: string;
	line: number;
	specifier: string;
	/** Repo-relative posix path the specifier points at (relative specifiers only). */
	target?: string;
}

const IMPORT_FORMS = [
	/\bfrom\s*['"]([^'"]+)['"]/g,
	/\bimport\s*['"]([^'"]+)['"]/g,
	/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
	/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Block comments and whole-line // comments blanked out (line numbers kept), so prose never counts. */
function withoutComments(text: string): string {
	return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/^\s*\/\/.*$/gm, '');
}

function importsIn(file: string, text: string): Import[] {
	const lines = withoutComments(text).split('\n');
	const found: Import[] = [];
	lines.forEach((text, i) => {
		for (const form of IMPORT_FORMS) {
			for (const match of text.matchAll(form)) {
				const specifier = match[1];
				const target = specifier.startsWith('.')
					? relative(ROOT, resolve(ROOT, dirname(file), specifier))
							.split(sep)
							.join('/')
					: undefined;
				found.push({ file, line: i + 1, specifier, target });
			}
		}
	});
	return found;
}

const importsOf = (file: string) => importsIn(file, readFileSync(join(ROOT, file), 'utf8'));

const where = (i: Import) => `${i.file}:${i.line} imports '${i.specifier}'`;
const under = (path: string | undefined, folder: string) =>
	path !== undefined && (path === folder || path.startsWith(`${folder}/`));
/** The node folder a repo path is in (nodes/<Name>/…), or undefined. */
const nodeFolder = (path: string | undefined) => path?.match(/^nodes\/([^/]+)(\/|$)/)?.[1];

const N8N_PACKAGE = /^(n8n|n8n-workflow|n8n-core|n8n-nodes-base)(\/|$)|^@n8n\//;

describe('architecture (layout rules, read from the files)', () => {
	it('core/ imports no n8n package and nothing from nodes/', () => {
		const violations = sourceFiles('core')
			.flatMap(importsOf)
			.filter((i) => N8N_PACKAGE.test(i.specifier) || under(i.target, 'nodes'))
			.map(where);
		expect(violations).toEqual([]);
	});

	it("a node folder imports no other node's folder (only nodes/shared and core)", () => {
		const violations = sourceFiles('nodes')
			.flatMap(importsOf)
			.filter((i) => {
				const own = nodeFolder(i.file);
				const other = nodeFolder(i.target);
				return (
					own !== undefined && own !== 'shared' && other !== undefined && other !== own && other !== 'shared'
				);
			})
			.map(where);
		expect(violations).toEqual([]);
	});

	it('nodes/shared imports no node folder', () => {
		const violations = sourceFiles('nodes/shared')
			.flatMap(importsOf)
			.filter((i) => {
				const other = nodeFolder(i.target);
				return other !== undefined && other !== 'shared';
			})
			.map(where);
		expect(violations).toEqual([]);
	});

	it('test/stack (shared by e2e, demo and bench) imports neither scripts/ nor bench/', () => {
		const stack = sourceFiles('test/stack');
		expect(stack.length).toBeGreaterThan(0);
		const violations = stack
			.flatMap(importsOf)
			.filter((i) => under(i.target, 'scripts') || under(i.target, 'bench'))
			.map(where);
		expect(violations).toEqual([]);
	});

	it(`no non-test source file is over ${MAX_LINES} lines (data tables in the allow-list excepted)`, () => {
		const lineCount = (file: string) => readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1;
		const tooLong = SOURCE_ROOTS.flatMap(sourceFiles)
			.filter((file) => !TEST_FILE.test(file) && !(file in LONG_FILES_ALLOWED))
			.map((file) => ({ file, lines: lineCount(file) }))
			.filter(({ lines }) => lines > MAX_LINES)
			.map(({ file, lines }) => `${file}: ${lines} lines (split it by concept, max ${MAX_LINES})`);
		expect(tooLong).toEqual([]);
	});

	it('every allow-listed long file still exists, is still long, and says why', () => {
		const stale = Object.entries(LONG_FILES_ALLOWED)
			.filter(([file, reason]) => {
				const abs = join(ROOT, file);
				if (!existsSync(abs) || !reason.trim()) return true;
				return readFileSync(abs, 'utf8').split('\n').length - 1 <= MAX_LINES;
			})
			.map(([file]) => `${file}: missing, short or without a reason; remove it from LONG_FILES_ALLOWED`);
		expect(stale).toEqual([]);
	});

	it('the import reader sees every static import form and skips comments (self-check)', () => {
		const sample = [
			"import { a } from '../../nodes/A/a';",
			"import type { B } from 'n8n-workflow';",
			"export { c } from './c';",
			"import './side-effect';",
			"const d = require('../d');",
			"type E = typeof import('../../scripts/e');",
			'/* import { x } from "../../nodes/X/x"; */',
			"// import { y } from '../../nodes/Y/y';",
		].join('\n');
		expect(importsIn('core/sub/file.ts', sample).map((i) => [i.line, i.specifier, i.target])).toEqual([
			[1, '../../nodes/A/a', 'nodes/A/a'],
			[2, 'n8n-workflow', undefined],
			[3, './c', 'core/sub/c'],
			[4, './side-effect', 'core/sub/side-effect'],
			[5, '../d', 'core/d'],
			[6, '../../scripts/e', 'scripts/e'],
		]);
	});
});
