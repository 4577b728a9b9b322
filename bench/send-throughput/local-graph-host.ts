/**
 * graph.facebook.com on this machine, for the built-in WhatsApp node (it hard-codes that host): a throw-away local
 * CA and server certificate, /etc/hosts pointing the host at 127.0.0.1 (restored afterwards), and a TLS terminator
 * on 127.0.0.1:443 in its own process in front of the simulator's plain HTTP port. Needs root.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { HOST } from './scenario';

const HOSTS_FILE = '/etc/hosts';
const HOSTS_MARK = '# wac-send-throughput-bench';

export function makeCertificates(dir: string): { caPath: string; cert: string; key: string } {
	const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
	run([
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-days',
		'2',
		'-subj',
		'/CN=WAC bench local CA',
		'-addext',
		'basicConstraints=critical,CA:TRUE',
		'-addext',
		'keyUsage=critical,keyCertSign,cRLSign',
		'-keyout',
		'ca.key',
		'-out',
		'ca.crt',
	]);
	run([
		'req',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-subj',
		`/CN=${HOST}`,
		'-keyout',
		'server.key',
		'-out',
		'server.csr',
	]);
	writeFileSync(
		join(dir, 'ext.cnf'),
		`subjectAltName=DNS:${HOST},IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
	);
	run([
		'x509',
		'-req',
		'-in',
		'server.csr',
		'-CA',
		'ca.crt',
		'-CAkey',
		'ca.key',
		'-CAcreateserial',
		'-days',
		'2',
		'-extfile',
		'ext.cnf',
		'-out',
		'server.crt',
	]);
	return {
		caPath: join(dir, 'ca.crt'),
		cert: readFileSync(join(dir, 'server.crt'), 'utf8'),
		key: readFileSync(join(dir, 'server.key'), 'utf8'),
	};
}

/** Points graph.facebook.com at 127.0.0.1; returns the function that restores the original file. */
export function patchHosts(): () => void {
	const original = readFileSync(HOSTS_FILE, 'utf8');
	const cleaned = original
		.split('\n')
		.filter((line) => !line.includes(HOSTS_MARK))
		.join('\n');
	writeFileSync(HOSTS_FILE, `${cleaned.replace(/\n*$/, '\n')}127.0.0.1 ${HOST} ${HOSTS_MARK}\n`);
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		writeFileSync(HOSTS_FILE, original);
	};
	process.once('exit', restore);
	return restore;
}

/** A TLS terminator on 127.0.0.1:443 in its own process, piping to the simulator's plain HTTP port. */
export async function startTlsTerminator(
	dir: string,
	certs: { cert: string; key: string },
	targetPort: number,
): Promise<ChildProcess> {
	const script = join(dir, 'tls-terminator.js');
	writeFileSync(join(dir, 'server.pem'), certs.cert);
	writeFileSync(join(dir, 'server-key.pem'), certs.key);
	writeFileSync(
		script,
		`const tls = require('node:tls'); const net = require('node:net'); const fs = require('node:fs');
const server = tls.createServer({ cert: fs.readFileSync(${JSON.stringify(join(dir, 'server.pem'))}), key: fs.readFileSync(${JSON.stringify(join(dir, 'server-key.pem'))}) }, (socket) => {
  const upstream = net.connect(${targetPort}, '127.0.0.1');
  socket.pipe(upstream).pipe(socket);
  socket.on('error', () => upstream.destroy()); upstream.on('error', () => socket.destroy());
});
server.listen(443, '127.0.0.1', () => process.stdout.write('ready\\n'));`,
	);
	const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
	await new Promise<void>((resolve, reject) => {
		child.stdout!.once('data', () => resolve());
		child.once('exit', (code) =>
			reject(new Error(`TLS terminator exited (${code}); is port 443 free and are we root?`)),
		);
	});
	return child;
}
