import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { N8N_BIN, NODE24_BIN_DIR, REPO_ROOT } from './paths';
import { runToCompletion } from './proc';

/** Makes sure the pinned n8n is installed in the cache (runs scripts/install-n8n.sh, idempotent). */
export async function ensureN8nInstalled(): Promise<string> {
	if (existsSync(N8N_BIN)) {
		const probe = await runToCompletion(N8N_BIN, ['--version'], { env: n8nToolEnv() });
		if (probe.code === 0) return N8N_BIN;
	}
	const result = await runToCompletion('bash', [join(REPO_ROOT, 'scripts', 'install-n8n.sh')], {
		env: n8nToolEnv(),
		cwd: REPO_ROOT,
	});
	if (result.code !== 0) throw new Error(`scripts/install-n8n.sh failed:\n${result.output.slice(-4000)}`);
	return N8N_BIN;
}

/** Environment with Node 24 first on PATH. */
export function n8nToolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return { ...process.env, PATH: `${NODE24_BIN_DIR}:${process.env.PATH ?? ''}`, ...extra };
}
