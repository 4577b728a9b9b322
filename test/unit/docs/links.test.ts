/**
 * Every link of the documentation resolves: relative Markdown links in README.md, docs/**\/*.md and
 * bench/RESULTS.md point at an existing file and, with a #anchor, at an existing heading of that file (GitHub's
 * heading slugs); the documentation URLs of the codex files (nodes/*\/*.node.json) and of the credentials point at
 * an existing page and heading of this repository on GitHub.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { CREDENTIALS, NODES, ROOT } from '../../../scripts/docs/node-fields';

const REPO_URL = 'https://github.com/whatsapp-clinic/n8n-nodes-whatsapp-clinic/blob/main/';

function markdownFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return markdownFiles(path);
		return name.endsWith('.md') ? [path] : [];
	});
}

/** The text outside fenced code blocks, line by line (inline code spans blanked out). */
function proseLines(text: string): string[] {
	let fenced = false;
	return text.split('\n').map((line) => {
		if (/^\s*(```|~~~)/.test(line)) {
			fenced = !fenced;
			return '';
		}
		return fenced ? '' : line.replace(/(`+)(?:(?!\1).)+?\1/g, '');
	});
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces → hyphens (github-slugger). */
export function slug(heading: string): string {
	const text = heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/[`*]/g, '');
	return text
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
		.replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
	const seen = new Map<string, number>();
	const out = new Set<string>();
	let fenced = false;
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const base = slug(heading[1]);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		out.add(count ? `${base}-${count}` : base);
	}
	return out;
}

/** Why `target` (a path relative to `from`'s folder, with an optional #anchor) does not resolve, or null. */
function brokenTarget(from: string, target: string): string | null {
	const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
	const file = pathPart ? resolve(dirname(from), decodeURIComponent(pathPart)) : from;
	if (!file.startsWith(ROOT)) return `${target} leaves the repository`;
	if (!existsSync(file)) return `${target}: ${relative(ROOT, file)} does not exist`;
	if (anchor === undefined || anchor === '') return null;
	if (!file.endsWith('.md')) return `${target}: anchors only work on Markdown pages`;
	return anchors(file).has(anchor) ? null : `${target}: no heading "#${anchor}" in ${relative(ROOT, file)}`;
}

function relativeLinks(file: string): Array<{ line: number; target: string }> {
	const links: Array<{ line: number; target: string }> = [];
	proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
		for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
			const target = match[1];
			if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
			links.push({ line: index + 1, target });
		}
	});
	return links;
}

function repoUrlTarget(url: string): string | null {
	return url.startsWith(REPO_URL) ? url.slice(REPO_URL.length) : null;
}

const pages = [
	join(ROOT, 'README.md'),
	...markdownFiles(join(ROOT, 'docs')),
	...(existsSync(join(ROOT, 'bench', 'RESULTS.md')) ? [join(ROOT, 'bench', 'RESULTS.md')] : []),
];

describe('documentation links', () => {
	it('GitHub slugs as the pages use them', () => {
		expect(slug('Money and dates (typed variables)')).toBe('money-and-dates-typed-variables');
		expect(slug('Language codes: pt_BR and pt-BR')).toBe('language-codes-pt_br-and-pt-br');
		expect(slug('Cal.com API')).toBe('calcom-api');
		expect(slug('Summary: full run of 2026-11-25')).toBe('summary-full-run-of-2026-11-25');
		expect(slug('`npm run demo` and *more*')).toBe('npm-run-demo-and-more');
	});

	it.each(pages.map((p) => [relative(ROOT, p), p]))('%s: every relative link resolves', (_name, file) => {
		const broken = relativeLinks(file)
			.map(({ line, target }) => {
				const why = brokenTarget(file, target);
				return why && `line ${line}: ${why}`;
			})
			.filter(Boolean);
		expect(broken).toEqual([]);
	});

	it.each(NODES.map((n) => [n]))('%s.node.json: documentation URLs point at existing pages', (node) => {
		const codexFile = join(ROOT, 'nodes', node, `${node}.node.json`);
		const codex = JSON.parse(readFileSync(codexFile, 'utf8')) as {
			resources?: Record<string, Array<{ url: string }>>;
		};
		const urls = Object.values(codex.resources ?? {}).flatMap((list) => list.map((entry) => entry.url));
		expect(codex.resources?.primaryDocumentation?.[0]?.url).toContain(`docs/nodes/${node}.md`);
		const broken = urls
			.map((url) => {
				const target = repoUrlTarget(url);
				if (target === null) return `${url} is not under ${REPO_URL}`;
				return brokenTarget(join(ROOT, 'index.md'), target);
			})
			.filter(Boolean);
		expect(broken).toEqual([]);
	});

	it.each(CREDENTIALS.map((c) => [c]))('%s: documentationUrl points at an existing page', (name) => {
		const source = readFileSync(join(ROOT, 'credentials', `${name}.credentials.ts`), 'utf8');
		const url = /documentationUrl\s*=\s*'([^']+)'/.exec(source)?.[1];
		expect(url).toBeDefined();
		const target = repoUrlTarget(url!);
		expect(
			target === null ? `${url} is not under ${REPO_URL}` : brokenTarget(join(ROOT, 'index.md'), target),
		).toBeNull();
	});
});
