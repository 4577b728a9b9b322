/**
 * send-throughput's figures: per sender (accepted msgs/s, % of the cap, rate-limit errors surfaced, lost and
 * duplicate messages, n8n CPU per message) and the ratios between ours and the built-in node / HTTP Request.
 * Targets apply to our node only; everything else is reported for comparison ("info").
 */
import { loadavg } from 'node:os';

import { infoRow } from '../measure';
import type { BenchResult } from '../types';
import type { Measured } from './measure';
import { MPS, UPGRADED_MPS } from './scenario';

/** The in-process figures (no n8n): what the node's pacing alone allows. */
export function inProcessRows(inProcess: { perSecond: number }): BenchResult[] {
	return [
		infoRow('ours, in-process execute path vs 100 ms stub (no n8n): msgs/s', inProcess.perSecond, 'msg/s'),
		infoRow('ours, in-process: % of the 80 msg/s cap', (100 * inProcess.perSecond) / MPS, '%'),
	];
}

const info = infoRow;
/** A figure with a target: `pass` says whether this run met it. */
const check = (metric: string, value: number, unit: string, target: string, pass: boolean): BenchResult => ({
	metric,
	value,
	unit,
	target,
	pass,
});
const ratio = (a: number, b: number) => (b > 0 ? a / b : Infinity);
/** Our node's two zero targets: no rate-limit error reaches the output, no message is lost. */
const nothingLost = (label: string, m: Measured): BenchResult[] => [
	check(`${label}: rate-limit errors surfaced`, m.rateLimitErrors, 'items', '0', m.rateLimitErrors === 0),
	check(`${label}: lost messages`, m.lost, 'msgs', '0', m.lost === 0),
];

/**
 * Every figure of the real-n8n run at 80 msg/s, keyed by sender (see senders.ts); the in-process rows go before the
 * ratios. A sender left out of the run (WAC_SEND_VARIANTS) leaves out its rows and the ratios that need it.
 */
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
	const maxRefusals = Math.floor(items * 0.005);
	const rows: BenchResult[] = [];
	if (ours)
		rows.push(
			info(`ours (HTTP): accepted msgs/s, ${items} sends, real n8n 2.41.0`, ours.perSecond, 'msg/s'),
			check(`ours (HTTP): % of the ${MPS} msg/s cap`, pct(ours), '%', '≥ 97', pct(ours) >= 97),
			check(
				'ours (HTTP): 130429 answers from the simulator (retried inside the node)',
				ours.refusedThroughput,
				'answers',
				`≤ ${maxRefusals} (0.5 %)`,
				ours.refusedThroughput <= maxRefusals,
			),
			...nothingLost('ours (HTTP)', ours),
			info('ours (HTTP): first message accepted after the node started', ours.leadMs, 'ms'),
			info(
				`ours (HTTP): spacing of message k and k + ${MPS} at Meta, 1st percentile`,
				ours.capSpacingMs.p1,
				'ms',
			),
		);
	if (oursTls)
		rows.push(
			info('ours (TLS): accepted msgs/s', oursTls.perSecond, 'msg/s'),
			info('ours (TLS): 130429 answers retried inside the node', oursTls.refusedThroughput, 'answers'),
			...nothingLost('ours (TLS)', oursTls),
		);
	if (builtin)
		rows.push(
			info('built-in (TLS): accepted msgs/s', builtin.perSecond, 'msg/s'),
			info('built-in (TLS): rate-limit errors surfaced', builtin.rateLimitErrors, 'items'),
			info('built-in (TLS): lost messages', builtin.lost, 'msgs'),
			info('built-in (TLS): 130429 answers', builtin.refusedThroughput, 'answers'),
		);
	if (builtinRetry)
		rows.push(
			info('built-in + Retry On Fail (TLS): messages delivered', builtinRetry.delivered, 'msgs'),
			info('built-in + Retry On Fail (TLS): lost messages', builtinRetry.lost, 'msgs'),
			info('built-in + Retry On Fail (TLS): duplicate messages to patients', builtinRetry.duplicates, 'msgs'),
			info(
				'built-in + Retry On Fail (TLS): error items (execution failed = all)',
				builtinRetry.errors,
				'items',
			),
		);
	if (builtinLoop)
		rows.push(
			info('built-in in Loop 80 + Wait 1 s (TLS): accepted msgs/s', builtinLoop.perSecond, 'msg/s'),
			info('built-in in Loop 80 + Wait 1 s (TLS): lost messages', builtinLoop.lost, 'msgs'),
		);
	if (http)
		rows.push(
			info('http+batching (HTTP): accepted msgs/s', http.perSecond, 'msg/s'),
			info('http+batching (HTTP): rate-limit errors surfaced', http.rateLimitErrors, 'items'),
			info('http+batching (HTTP): lost messages', http.lost, 'msgs'),
		);
	if (httpTls)
		rows.push(
			info('http+batching (TLS): accepted msgs/s', httpTls.perSecond, 'msg/s'),
			info('http+batching (TLS): lost messages', httpTls.lost, 'msgs'),
		);
	if (ours) rows.push(info('ours (HTTP): n8n CPU per message', ours.cpuMsPerItem, 'ms'));
	if (oursTls) rows.push(info('ours (TLS): n8n CPU per message', oursTls.cpuMsPerItem, 'ms'));
	if (builtin) rows.push(info('built-in (TLS): n8n CPU per message', builtin.cpuMsPerItem, 'ms'));
	if (http) rows.push(info('http+batching (HTTP): n8n CPU per message', http.cpuMsPerItem, 'ms'));
	rows.push(info('machine load average (1 min) at the end', loadavg()[0], ''));
	rows.push(...inProcess);
	if (ours && builtin) {
		const deliveredRatio = ratio(ours.delivered, builtin.delivered);
		rows.push(
			check(
				'ours ÷ built-in: messages delivered per run',
				deliveredRatio,
				'×',
				'≥ 10',
				deliveredRatio >= 10 && ours.lost === 0,
			),
		);
	}
	if (oursTls && builtin)
		rows.push(
			info('ours ÷ built-in: accepted msgs/s (both TLS)', ratio(oursTls.perSecond, builtin.perSecond), '×'),
		);
	if (oursTls && builtinLoop)
		rows.push(
			info(
				'ours ÷ built-in in Loop 80 + Wait 1 s: accepted msgs/s (both TLS)',
				ratio(oursTls.perSecond, builtinLoop.perSecond),
				'×',
			),
		);
	if (ours || oursTls)
		rows.push(
			check(
				'ours (HTTP + TLS): duplicate messages to patients',
				(ours?.duplicates ?? 0) + (oursTls?.duplicates ?? 0),
				'msgs',
				'0',
				(ours?.duplicates ?? 0) + (oursTls?.duplicates ?? 0) === 0,
			),
		);
	if (ours && http)
		rows.push(
			info('ours ÷ http+batching: accepted msgs/s (both HTTP)', ratio(ours.perSecond, http.perSecond), '×'),
		);
	return rows;
}

/**
 * The upgraded number (1,000 msg/s): accepted msg/s and lost messages per sender; ours must be the highest with
 * nothing lost.
 */
export function upgradedRows(results: Record<string, Measured>, items: number): BenchResult[] {
	const ours = results['ours-1000'];
	const others = [results['http-1000'], results['builtin-1000']].filter((m): m is Measured => !!m);
	const names: Record<string, string> = {
		'ours-1000': 'ours (HTTP)',
		'http-1000': 'http+batching (HTTP)',
		'builtin-1000': 'built-in (TLS)',
	};
	const cap = `${UPGRADED_MPS.toLocaleString('en-US')} msg/s cap`;
	const rows: BenchResult[] = [];
	for (const [key, m] of Object.entries(results)) {
		rows.push(
			info(`${cap}, ${names[key] ?? key}: accepted msgs/s, ${items} sends`, m.perSecond, 'msg/s'),
			info(`${cap}, ${names[key] ?? key}: lost messages`, m.lost, 'msgs'),
			info(`${cap}, ${names[key] ?? key}: duplicates`, m.duplicates, 'msgs'),
			info(`${cap}, ${names[key] ?? key}: n8n CPU per message`, m.cpuMsPerItem, 'ms'),
		);
	}
	if (ours) {
		const best = Math.max(0, ...others.map((m) => m.perSecond));
		rows.push(
			check(
				`${cap}: ours ÷ the best other sender, accepted msgs/s (0 lost)`,
				ratio(ours.perSecond, best),
				'×',
				'> 1, 0 lost',
				ours.perSecond > best && ours.lost === 0 && ours.duplicates === 0,
			),
		);
	}
	return rows;
}
