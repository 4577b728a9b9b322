/**
 * Child-process helpers for the end-to-end harness: every long-running process is started in its own process
 * group, registered, and killed (the whole group) on stop, on normal exit and on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface ManagedProcess {
	name: string;
	child: ChildProcess;
	/** Resolves with the exit code (or signal name) once the process has exited. */
	exited: Promise<number | string>;
	/** Last lines of combined stdout/stderr (for diagnostics). */
	tail(lines?: number): string;
	/** Resolves once `pattern` appears in the output (rejects on exit or timeout). */
	waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
	stop(timeoutMs?: number): Promise<void>;
}

const live = new Set<ManagedProcess>();
let hooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

function installExitHooks(): void {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const p of live) killGroup(p.child, 'SIGKILL');
	});
}

export function startProcess(
	name: string,
	command: string,
	args: string[],
	options: SpawnOptions & { logFile?: string } = {},
): ManagedProcess {
	installExitHooks();
	const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	const buffer: string[] = [];
	let partial = '';
	const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
	const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
	const onData = (chunk: Buffer) => {
		log?.write(chunk);
		partial += chunk.toString('utf8');
		const lines = partial.split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) {
			buffer.push(line);
			if (buffer.length > 400) buffer.shift();
			for (let i = waiters.length - 1; i >= 0; i--) {
				if (waiters[i].pattern.test(line)) {
					waiters[i].resolve(line);
					waiters.splice(i, 1);
				}
			}
		}
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	const exited = new Promise<number | string>((resolve) => {
		child.on('exit', (code, signal) => {
			live.delete(managed);
			log?.end();
			resolve(code ?? signal ?? -1);
		});
		child.on('error', () => resolve(-1));
	});
	const managed: ManagedProcess = {
		name,
		child,
		exited,
		tail: (lines = 40) => buffer.slice(-lines).join('\n'),
		waitForOutput(pattern, timeoutMs) {
			const seen = buffer.find((l) => pattern.test(l));
			if (seen) return Promise.resolve(seen);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					reject(
						new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${pattern}\n${managed.tail()}`),
					);
				}, timeoutMs);
				waiters.push({
					pattern,
					resolve: (line) => {
						clearTimeout(timer);
						resolve(line);
					},
				});
				void exited.then((code) => {
					clearTimeout(timer);
					reject(new Error(`${name} exited (${code}) before ${pattern}\n${managed.tail()}`));
				});
			});
		},
		async stop(timeoutMs = 10_000) {
			if (child.exitCode !== null || child.signalCode !== null) return;
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
			await exited;
			clearTimeout(timer);
			// Make sure grandchildren (e.g. n8n's task runner) are gone too.
			killGroup(child, 'SIGKILL');
		},
	};
	live.add(managed);
	return managed;
}

/** Stops every process started through this module (reverse start order). */
export async function stopAll(): Promise<void> {
	const all = [...live].reverse();
	for (const p of all) await p.stop();
}

/** A free TCP port on 127.0.0.1 (the OS picks it; tiny race window, acceptable for tests). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const address = srv.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

export function runToCompletion(
	command: string,
	args: string[],
	options: SpawnOptions = {},
): Promise<{ code: number; output: string }> {
	return new Promise((resolve) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
		child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
		child.on('exit', (code) => resolve({ code: code ?? -1, output }));
		child.on('error', (error) => resolve({ code: -1, output: String(error) }));
	});
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value or the timeout expires. */
export async function waitUntil<T>(
	what: string,
	probe: () => Promise<T | undefined | null | false>,
	timeoutMs: number,
	intervalMs = 200,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			lastError = error;
		}
		await sleep(intervalMs);
	}
	throw new Error(
		`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
	);
}
