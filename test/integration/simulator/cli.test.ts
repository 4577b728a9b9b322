/** The CLI entry point: flags, the "listening" line, and clean shutdown. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { parseArgs } from '../../../simulator';

const ROOT = join(__dirname, '..', '..', '..');

describe('npm run simulator', () => {
	it('parses every documented flag', () => {
		expect(
			parseArgs([
				'--port',
				'0',
				'--host',
				'127.0.0.1',
				'--webhook-url',
				'http://127.0.0.1:5678/webhook/x',
				'--verify-token',
				'vt',
				'--app-secret',
				's',
				'--access-token',
				't',
				'--mps=10',
				'--pair-burst',
				'5',
				'--pair-interval-ms',
				'100',
				'--latency-ms',
				'7',
				'--fault-rate',
				'0.1',
				'--fault-kinds',
				'error500,timeout',
				'--delivery-errors',
				'sync',
				'--read-delay-ms',
				'9',
				'--no-auto-read',
				'--retry-delays-ms',
				'0,10',
				'--batch-window-ms',
				'3',
				'--quiet',
			]),
		).toEqual({
			port: 0,
			host: '127.0.0.1',
			webhookUrl: 'http://127.0.0.1:5678/webhook/x',
			verifyToken: 'vt',
			appSecret: 's',
			accessToken: 't',
			mps: 10,
			pairBurst: 5,
			pairIntervalMs: 100,
			latencyMs: 7,
			faultRate: 0.1,
			faultKinds: ['error500', 'timeout'],
			deliveryErrors: 'sync',
			readDelayMs: 9,
			autoRead: false,
			webhookRetryDelaysMs: [0, 10],
			batchWindowMs: 3,
			quiet: true,
		});
		expect(() => parseArgs(['--mps', 'fast'])).toThrow(/--mps needs a number/);
		expect(() => parseArgs(['--fault-rate', '2'])).toThrow(/between 0 and 1/);
		expect(() => parseArgs(['--bogus'])).toThrow(/Unknown option --bogus/);
		expect(() => parseArgs(['--tls-cert', 'x.pem'])).toThrow(/together/);
		expect(parseArgs(['--help'])).toBeNull();
	});

	it('prints its base URL when ready, serves, and exits on SIGTERM', async () => {
		const child = spawn(
			join(ROOT, 'node_modules', '.bin', 'tsx'),
			['simulator/cli.ts', '--port', '0', '--quiet'],
			{
				cwd: ROOT,
				env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
			},
		);
		try {
			const url = await new Promise<string>((resolve, reject) => {
				let out = '';
				const timer = setTimeout(() => reject(new Error(`no listening line; got: ${out}`)), 20000);
				child.stdout.on('data', (c: Buffer) => {
					out += c.toString();
					const m = /WhatsApp Cloud API simulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
					if (m) {
						clearTimeout(timer);
						resolve(m[1]);
					}
				});
				child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
			});
			const health = await (await fetch(`${url}/_sim/health`)).json();
			expect(health).toEqual(expect.objectContaining({ ok: true, phoneNumberId: '100000000000001' }));
			const phone = await fetch(`${url}/v23.0/100000000000001`, {
				headers: { Authorization: 'Bearer sim-token' },
			});
			expect(phone.status).toBe(200);
		} finally {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		}
	});
});
