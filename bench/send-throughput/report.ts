/**
 * send-throughput's figures: per sender (accepted msgs/s, % of the cap, rate-limit errors surfaced, lost and
 * duplicate messages, n8n CPU per message) and the ratios between ours and the built-in node / HTTP Request.
 * Targets apply to our node only; everything else is reported for comparison ("info").
 */
import { loadavg } from 'node:os';

import type { BenchResult } from '../types';
import type { Measured } from './measure';
import { MPS } from './scenario';

/** The in-process figures (no n8n): what the node's pacing alone allows. */
export function inProcessRows(inProcess: { perSecond: number }): BenchResult[] {
	return [
		{
			metric: 'ours, in-process execute path vs 100 ms stub (no n8n): msgs/s',
			value: inProcess.perSecond,
			unit: 'msg/s',
			target: 'info',
			pass: true,
		},
		{
			metric: 'ours, in-process: % of the 80 msg/s cap',
			value: (100 * inProcess.perSecond) / MPS,
			unit: '%',
			target: 'info',
			pass: true,
		},
	];
}

/** Every figure of the real-n8n run, keyed by sender (see senders.ts); the in-process rows go before the ratios. */
export function comparisonRows(
	results: Record<string, Measured>,
	items: number,
	inProcess: BenchResult[],
): BenchResult[] {
	const ours = results.ours;
	const oursTls = results['ours-tls'];
	const builtin = results.builtin;
	const builtinRetry = results['builtin-retry'];
	const builtinLoop = results['builtin-loop'];
	const http = results.http;
	const httpTls = results['http-tls'];
	const pct = (m: Measured) => (100 * m.perSecond) / MPS;
	const info = (metric: string, value: number, unit: string): BenchResult => ({
		metric,
		value,
		unit,
		target: 'info',
		pass: true,
	});
	const rows: BenchResult[] = [
		info(`ours (HTTP): accepted msgs/s, ${items} sends, real n8n 2.41.0`, ours.perSecond, 'msg/s'),
		{
			metric: 'ours (HTTP): % of the 80 msg/s cap',
			value: pct(ours),
			unit: '%',
			target: '≥ 95',
			pass: pct(ours) >= 95,
		},
		{
			metric: 'ours (HTTP): rate-limit errors surfaced',
			value: ours.rateLimitErrors,
			unit: 'items',
			target: '0',
			pass: ours.rateLimitErrors === 0,
		},
		{
			metric: 'ours (HTTP): lost messages',
			value: ours.lost,
			unit: 'msgs',
			target: '0',
			pass: ours.lost === 0,
		},
		info('ours (TLS): accepted msgs/s', oursTls.perSecond, 'msg/s'),
		{
			metric: 'ours (TLS): rate-limit errors surfaced',
			value: oursTls.rateLimitErrors,
			unit: 'items',
			target: '0',
			pass: oursTls.rateLimitErrors === 0,
		},
		{
			metric: 'ours (TLS): lost messages',
			value: oursTls.lost,
			unit: 'msgs',
			target: '0',
			pass: oursTls.lost === 0,
		},
		info('built-in (TLS): accepted msgs/s', builtin.perSecond, 'msg/s'),
		info('built-in (TLS): rate-limit errors surfaced', builtin.rateLimitErrors, 'items'),
		info('built-in (TLS): lost messages', builtin.lost, 'msgs'),
		info('built-in + Retry On Fail (TLS): messages delivered', builtinRetry.delivered, 'msgs'),
		info('built-in + Retry On Fail (TLS): lost messages', builtinRetry.lost, 'msgs'),
		info('built-in + Retry On Fail (TLS): duplicate messages to patients', builtinRetry.duplicates, 'msgs'),
		info(
			'built-in + Retry On Fail (TLS): error items (execution failed = all)',
			builtinRetry.errors,
			'items',
		),
		info('built-in in Loop 80 + Wait 1 s (TLS): accepted msgs/s', builtinLoop.perSecond, 'msg/s'),
		info('built-in in Loop 80 + Wait 1 s (TLS): lost messages', builtinLoop.lost, 'msgs'),
		info('http+batching (HTTP): accepted msgs/s', http.perSecond, 'msg/s'),
		info('http+batching (HTTP): rate-limit errors surfaced', http.rateLimitErrors, 'items'),
		info('http+batching (HTTP): lost messages', http.lost, 'msgs'),
		info('http+batching (TLS): accepted msgs/s', httpTls.perSecond, 'msg/s'),
		info('http+batching (TLS): lost messages', httpTls.lost, 'msgs'),
		info('ours (HTTP): n8n CPU per message', ours.cpuMsPerItem, 'ms'),
		info('ours (TLS): n8n CPU per message', oursTls.cpuMsPerItem, 'ms'),
		info('built-in (TLS): n8n CPU per message', builtin.cpuMsPerItem, 'ms'),
		info('http+batching (HTTP): n8n CPU per message', http.cpuMsPerItem, 'ms'),
		info('machine load average (1 min) at the end', loadavg()[0], ''),
	];
	rows.push(...inProcess);
	const ratio = (a: number, b: number) => (b > 0 ? a / b : Infinity);
	const deliveredRatio = ratio(ours.delivered, builtin.delivered);
	rows.push(
		{
			metric: 'ours ÷ built-in: messages delivered per run',
			value: deliveredRatio,
			unit: '×',
			target: '≥ 10',
			pass: deliveredRatio >= 10 && ours.lost === 0,
		},
		info('ours ÷ built-in: accepted msgs/s (both TLS)', ratio(oursTls.perSecond, builtin.perSecond), '×'),
		info(
			'ours ÷ built-in in Loop 80 + Wait 1 s: accepted msgs/s (both TLS)',
			ratio(oursTls.perSecond, builtinLoop.perSecond),
			'×',
		),
		info('ours (HTTP): 130429 answers retried inside the node', ours.refusedThroughput, 'answers'),
		info('built-in (TLS): 130429 answers', builtin.refusedThroughput, 'answers'),
		{
			metric: 'ours (HTTP + TLS): duplicate messages to patients',
			value: ours.duplicates + oursTls.duplicates,
			unit: 'msgs',
			target: '0',
			pass: ours.duplicates + oursTls.duplicates === 0,
		},
		info('ours ÷ http+batching: accepted msgs/s (both HTTP)', ratio(ours.perSecond, http.perSecond), '×'),
	);
	return rows;
}
