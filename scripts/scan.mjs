#!/usr/bin/env node
/**
 * `npm run scan`: runs the rules of n8n's own community-package scanner (@n8n/scan-community-package) locally,
 * on the source (package.json, nodes/, credentials/) and on the packed tarball (what npm would publish).
 *
 * The registry scanner fails on any ESLint error. This package targets self-hosted n8n and deliberately breaks a few
 * n8n Cloud rules; each break is listed below with its reason (and in docs/development.md "Lint and scan"). Every other rule must
 * pass. A deliberate break is accepted only for the exact modules / globals named here, so a new dependency or global
 * still fails the scan until it is justified in this list.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { glob } from 'glob';

const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
const { buildScanConfig, SOURCE_FILE_PATTERNS } = scanner;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runtime dependencies we ship on purpose (all pure JavaScript, no native build). */
export const ALLOWED_RUNTIME_DEPENDENCIES = {
	pg: 'PostgreSQL backend of the clinic store (production / queue mode)',
	luxon: 'time zones and DST for slots and reminders (also bundled with n8n)',
	zod: 'input schemas with errors that name the field',
	'libphonenumber-js': 'E.164 normalisation of patient phone numbers',
	vega: "KPI Report charts drawn to SVG in Node (vega's headless view; loaded only when a report is drawn)",
	'vega-lite': 'KPI Report chart specifications compiled to vega',
};

/** Imports of Node built-ins that the self-hosted package needs. */
export const ALLOWED_IMPORTS = {
	...Object.fromEntries(Object.keys(ALLOWED_RUNTIME_DEPENDENCIES).map((m) => [m, 'runtime dependency'])),
	'node:sqlite': 'embedded clinic store (built into Node 22.5+)',
	'node:os': 'default SQLite path in the n8n user folder',
	'node:path': 'SQLite path handling',
	'node:fs': 'creating the SQLite folder',
	'node:crypto': 'HMAC, hashes and AES-256-GCM',
	'node:perf_hooks': 'monotonic clock for the rate limiter',
	'node:worker_threads': 'KPI Report: a long audit-log read on a second SQLite connection in a worker thread',
	crypto: 'HMAC, hashes and AES-256-GCM',
};

/** Globals the n8n Cloud sandbox forbids but a self-hosted package may use. */
export const ALLOWED_GLOBALS = {
	setTimeout: 'timers for the rate limiter, retries and backoff',
	clearTimeout: 'timers for the rate limiter, retries and backoff',
	setImmediate: 'yielding to the event loop while a batch is prepared (paced sends stay on time)',
	process: 'reading the n8n user folder (N8N_USER_FOLDER) for the default SQLite path',
};

function isDeliberate(message) {
	const rule = message.ruleId ?? '';
	if (rule === '@n8n/community-nodes/no-runtime-dependencies') return 'runtime dependencies (see list)';
	if (rule === '@n8n/community-nodes/no-restricted-imports') {
		const m = /(?:Import|Require) of '([^']+)'/.exec(message.message);
		if (m && ALLOWED_IMPORTS[m[1]]) return `import ${m[1]}: ${ALLOWED_IMPORTS[m[1]]}`;
		return null;
	}
	if (rule === '@n8n/community-nodes/no-restricted-globals') {
		const name = Object.keys(ALLOWED_GLOBALS).find((g) =>
			new RegExp(`'${g}'|\\b${g}\\b`).test(message.message),
		);
		return name ? `global ${name}: ${ALLOWED_GLOBALS[name]}` : null;
	}
	return null;
}

async function lint(dir, patterns, label) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	if (files.length === 0) throw new Error(`${label}: no files to scan in ${dir}`);
	const results = await eslint.lintFiles(files);
	const violations = [];
	const deliberate = new Map();
	for (const r of results) {
		for (const m of r.messages) {
			if (m.severity !== 2) continue;
			const why = isDeliberate(m);
			if (why) deliberate.set(why, (deliberate.get(why) ?? 0) + 1);
			else
				violations.push(
					`${relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId ?? 'parse'}: ${m.message}`,
				);
		}
	}
	console.log(`\n[scan] ${label}: ${files.length} files`);
	for (const [why, n] of deliberate) console.log(`  deliberate (${n}x): ${why}`);
	for (const v of violations) console.log(`  ERROR ${v}`);
	console.log(violations.length ? `  FAILED: ${violations.length} violation(s)` : '  PASSED');
	return violations.length;
}

async function main() {
	let failures = 0;
	failures += await lint(root, SOURCE_FILE_PATTERNS, 'source (package.json, nodes/, credentials/)');

	const work = join(root, '.scan');
	rmSync(work, { recursive: true, force: true });
	mkdirSync(join(work, 'pkg'), { recursive: true });
	execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
	if (!tarball) throw new Error('npm pack produced no tarball (run `npm run build` first)');
	execFileSync('tar', ['xzf', join(work, tarball), '-C', join(work, 'pkg'), '--strip-components=1']);
	failures += await lint(join(work, 'pkg'), ['**/*.js', 'package.json'], `tarball ${tarball}`);
	rmSync(work, { recursive: true, force: true });
	process.exit(failures ? 1 : 0);
}

await main();
