/** --tls-cert/--tls-key: the simulator can serve https (e.g. as graph.facebook.com for a benchmark). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseArgs, startSimulator } from '../../../simulator';

let hasOpenssl = true;
try {
	execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
	hasOpenssl = false;
	console.warn('tls.test.ts skipped: openssl not found');
}

(hasOpenssl ? describe : describe.skip)('https mode', () => {
	const dir = mkdtempSync(join(tmpdir(), 'sim-tls-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('serves the Graph API over https with the given certificate', async () => {
		const cert = join(dir, 'cert.pem');
		const key = join(dir, 'key.pem');
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-keyout',
				key,
				'-out',
				cert,
				'-days',
				'1',
				'-subj',
				'/CN=graph.facebook.com',
				'-addext',
				'subjectAltName=DNS:graph.facebook.com,IP:127.0.0.1',
			],
			{ stdio: 'ignore' },
		);
		const opts = parseArgs(['--port', '0', '--quiet', '--tls-cert', cert, '--tls-key', key])!;
		const sim = await startSimulator(opts);
		try {
			expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
			const body = await new Promise<{ status: number; json: any }>((resolve, reject) => {
				https
					.get(
						`${sim.url}/v23.0/${sim.phoneNumberId}`,
						{ ca: readFileSync(cert), headers: { Authorization: 'Bearer sim-token' } },
						(res) => {
							let text = '';
							res.on('data', (c: Buffer) => (text += c.toString()));
							res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
						},
					)
					.on('error', reject);
			});
			expect(body.status).toBe(200);
			expect(body.json.id).toBe(sim.phoneNumberId);
		} finally {
			await sim.close();
		}
	});
});
