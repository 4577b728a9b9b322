/** Measuring helpers the benchmarks share: wall and CPU time of one run, the machine's load, a figure not measured. */
import { loadavg } from 'node:os';

import type { BenchResult } from './types';

/** Wall time and this process's CPU time (user + system). On a loaded machine CPU time shows the cost itself. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	const value = await fn();
	const c = process.cpuUsage(c0);
	return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, value };
}

/** The 1-, 5- and 15-minute load averages, so a figure measured on a busy machine can be read as such. */
export function loadAverage(): string {
	return loadavg()
		.map((l) => l.toFixed(1))
		.join(' ');
}

/** A row saying a figure was not measured in this run (e.g. no PostgreSQL), and why. */
export function notMeasured(metric: string): BenchResult {
	return { metric, value: NaN, unit: '', target: 'info', pass: true };
}

/** An informational figure (no target): reported beside the ones that have one. */
export function infoRow(metric: string, value: number, unit: string): BenchResult {
	return { metric, value, unit, target: 'info', pass: true };
}
