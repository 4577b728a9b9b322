/**
 * Builds the package into a private directory (never the shared dist/) the way `npm run build` does:
 * tsc → dist/, then icons and codex files copied next to the compiled nodes, plus package.json and the
 * runtime dependencies (symlinked from the repo's node_modules).
 */
import {
	cpSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { NODE24_BIN_DIR, REPO_ROOT } from './paths';
import { runToCompletion } from './proc';

export interface BuiltPackage {
	dir: string;
	nodes: string[];
	credentials: string[];
	/** Built node/credential files that package.json's `n8n` block does not list (they are loaded anyway). */
	unlisted: string[];
	/** package.json entries whose file was not built. */
	missing: string[];
	tscOutput: string;
}

function walk(dir: string, out: string[] = []): string[] {
	if (!existsSync(dir)) return out;
	for (const entry of readdirSync(dir)) {
		const full = join(dir, entry);
		if (statSync(full).isDirectory()) walk(full, out);
		else out.push(full);
	}
	return out;
}

/**
 * `source`: 'worktree' (default) compiles the files as they are; 'head' compiles the last commit (a clean
 * snapshot while other people are editing the tree). Env WAC_E2E_SOURCE overrides.
 */
export async function buildPackage(
	targetDir: string,
	source: 'worktree' | 'head' = (process.env.WAC_E2E_SOURCE as 'head' | undefined) ?? 'worktree',
): Promise<BuiltPackage> {
	rmSync(targetDir, { recursive: true, force: true });
	mkdirSync(targetDir, { recursive: true });
	const dist = join(targetDir, 'dist');
	let root = REPO_ROOT;
	if (source === 'head') {
		root = `${targetDir}-src`;
		rmSync(root, { recursive: true, force: true });
		mkdirSync(root, { recursive: true });
		const archive = await runToCompletion(
			'bash',
			[
				'-c',
				`cd "${REPO_ROOT}" && paths=$(for p in nodes credentials core icons package.json tsconfig.json; do git cat-file -e HEAD:$p 2>/dev/null && echo $p; done) && git archive HEAD $paths | tar -x -C "${root}"`,
			],
			{},
		);
		if (archive.code !== 0) throw new Error(`git archive HEAD failed: ${archive.output}`);
		symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
	}
	const tsc = await runToCompletion(
		join(NODE24_BIN_DIR, 'tsc'),
		['-p', join(root, 'tsconfig.json'), '--outDir', dist, '--sourceMap', 'false'],
		{ cwd: root },
	);
	// tsc still emits when other engineers' files have type errors; we only fail when nothing loadable exists.
	for (const file of walk(join(root, 'nodes')).concat(
		walk(join(root, 'credentials')),
		walk(join(root, 'icons')),
	)) {
		if (/\.(png|svg)$/.test(file) || /\.node\.json$/.test(file)) {
			const dest = join(dist, relative(root, file));
			mkdirSync(dirname(dest), { recursive: true });
			cpSync(file, dest);
		}
	}
	const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
		n8n: { nodes: string[]; credentials: string[] };
		dependencies?: Record<string, string>;
	};
	const builtNodes = walk(join(dist, 'nodes'))
		.filter((f) => f.endsWith('.node.js'))
		.map((f) => relative(targetDir, f));
	const builtCredentials = walk(join(dist, 'credentials'))
		.filter((f) => f.endsWith('.credentials.js'))
		.map((f) => relative(targetDir, f));
	const listed = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	const unlisted = [...builtNodes, ...builtCredentials].filter((f) => !listed.includes(f));
	const missing = listed.filter((f) => !existsSync(join(targetDir, f)));
	const nodes = [...new Set([...pkg.n8n.nodes.filter((f) => !missing.includes(f)), ...builtNodes])];
	const credentials = [
		...new Set([...pkg.n8n.credentials.filter((f) => !missing.includes(f)), ...builtCredentials]),
	];
	const runtimePkg = {
		name: pkg.name,
		version: pkg.version,
		license: 'MIT',
		main: 'index.js',
		n8n: { ...pkg.n8n, nodes, credentials },
		dependencies: pkg.dependencies ?? {},
		peerDependencies: { 'n8n-workflow': '*' },
	};
	writeFileSync(join(targetDir, 'package.json'), JSON.stringify(runtimePkg, null, 2));
	const modules = join(targetDir, 'node_modules');
	mkdirSync(modules, { recursive: true });
	for (const dep of Object.keys(pkg.dependencies ?? {})) {
		const source = join(REPO_ROOT, 'node_modules', dep);
		if (!existsSync(source))
			throw new Error(`runtime dependency ${dep} is not installed in the repo (npm ci)`);
		mkdirSync(dirname(join(modules, dep)), { recursive: true });
		symlinkSync(source, join(modules, dep), 'dir');
	}
	return { dir: targetDir, nodes, credentials, unlisted, missing, tscOutput: tsc.output };
}
