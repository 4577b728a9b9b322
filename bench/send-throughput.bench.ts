/**
 * send-throughput: 2,000 template sends (200 with --quick) against the WhatsApp Cloud API simulator with 100 ms
 * latency and an 80 msg/s cap, in a REAL n8n 2.41.0 (test/stack), through three workflows
 * Webhook → Code (N items) → sender:
 *   (a) our WhatsApp Send Template node (Messages per Second = 80, Continue On Fail),
 *   (b) n8n's built-in "WhatsApp Business Cloud" node (n8n-nodes-base.whatsApp 1.1, Send Template),
 *   (c) an HTTP Request node (4.2) with batching tuned to the cap (80 per 1,000 ms).
 * The built-in node hard-codes https://graph.facebook.com/v13.0, so for the run only: graph.facebook.com resolves
 * to 127.0.0.1 (/etc/hosts, restored afterwards) and a TLS terminator (child process, certificate from a throw-away
 * local CA passed to n8n with NODE_EXTRA_CA_CERTS) listens on 443 in front of the ONE simulator instance.
 * n8n opens a new connection (new agent) for every request, so over TLS every send pays a full handshake; in this
 * sandbox (gVisor, 2 shared cores) that costs tens of ms of CPU and caps any sender well below 80 msg/s. Our node and
 * the HTTP Request node are therefore measured twice: over plain HTTP straight to the simulator (the primary
 * figures: what the node itself can do) and over TLS through graph.facebook.com (same path as the built-in node).
 *
 * Then an upgraded number (1,000 msg/s, the simulator reconfigured): ours and HTTP Request (batching 1,000 per
 * 1,000 ms) over HTTP and the built-in node over TLS; ours must be the fastest with nothing lost.
 * WAC_SEND_VARIANTS=<keys> runs only those senders (senders.ts; "in-process" for the no-n8n path), and
 * WAC_SEND_CPU_PROF=<dir> makes n8n write a V8 CPU profile there when it stops.
 *
 * Figures per variant: accepted msgs/s (accepted ÷ the sender node's execution time), % of the cap, rate-limit
 * errors surfaced in the node output (130429), lost messages (items not accepted by the simulator), and our
 * node vs the built-in: messages delivered per run (reference §7) and accepted msgs/s.
 * Needs root (port 443, /etc/hosts) and the pinned n8n (scripts/install-n8n.sh).
 *
 * Here: the run (simulator, local graph.facebook.com, n8n, every sender in turn). In send-throughput/: the senders
 * under test (senders.ts), what they run against (scenario.ts, local-graph-host.ts), one measurement (measure.ts)
 * and the figures reported (report.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator, type Simulator } from '../simulator';
import { buildPackage, startN8n, stopAll, type N8nInstance } from '../test/stack';
import { makeCertificates, patchHosts, startTlsTerminator } from './send-throughput/local-graph-host';
import { measure, measureInProcess, type Measured } from './send-throughput/measure';
import { comparisonRows, inProcessRows, upgradedRows } from './send-throughput/report';
import { HOST, LATENCY_MS, MPS, TOKEN, PHONE_NUMBER_ID, WABA_ID } from './send-throughput/scenario';
import {
	createSenderCredentials,
	selectVariants,
	upgradedVariants,
	variants,
	workflow,
	type Variant,
} from './send-throughput/senders';
import type { BenchResult, Benchmark } from './types';

const bench: Benchmark = {
	name: 'send-throughput',
	description: `${MPS} msg/s cap, ${LATENCY_MS} ms latency: template sends through real n8n 2.41.0 — our node vs the built-in WhatsApp node vs HTTP Request with batching`,
	async run(ctx) {
		const items = ctx.quick ? 200 : 2000;
		// No n8n needed: measured first so it is reported even when n8n cannot start (left out when
		// WAC_SEND_VARIANTS picks senders without naming "in-process").
		let inProcessFigures: BenchResult[] = [];
		if (selectVariants([{ key: 'in-process' } as Variant]).length) {
			const inProcess = await measureInProcess(items);
			ctx.log(
				`in-process node execute path, 100 ms stub: ${inProcess.perSecond.toFixed(1)} msg/s, ${inProcess.errors} errors`,
			);
			inProcessFigures = inProcessRows(inProcess);
		}
		const work = mkdtempSync(join(tmpdir(), 'wac-send-bench-'));
		let restoreHosts: (() => void) | undefined;
		let sim: Simulator | undefined;
		let n8n: N8nInstance | undefined;
		let terminator: ChildProcess | undefined;
		try {
			sim = await startSimulator({
				port: 0,
				mps: MPS,
				latencyMs: LATENCY_MS,
				accessToken: TOKEN,
				phoneNumbers: [{ id: PHONE_NUMBER_ID }],
				wabaId: WABA_ID,
				autoRead: false,
				quiet: true,
			});
			const standard = selectVariants(variants(sim.url));
			const upgraded = selectVariants(upgradedVariants(sim.url));
			// graph.facebook.com on this machine only when a selected sender goes there (port 443 is free otherwise).
			const certs = [...standard, ...upgraded].some((v) => v.tls) ? makeCertificates(work) : undefined;
			if (certs) {
				restoreHosts = patchHosts();
				terminator = await startTlsTerminator(work, certs, sim.port);
			}
			ctx.log(
				`simulator ${sim.url}${certs ? ` (and https://${HOST} → 127.0.0.1:443)` : ''}, ${MPS} msg/s, ${LATENCY_MS} ms latency`,
			);
			const built = await buildPackage(join(work, 'package'));
			// WAC_SEND_CPU_PROF=<dir>: n8n writes a V8 CPU profile there when it stops (profile, don't guess).
			const profileDir = process.env.WAC_SEND_CPU_PROF;
			n8n = await startN8n({
				builtPackage: built,
				env: {
					...(certs ? { NODE_EXTRA_CA_CERTS: certs.caPath } : {}),
					N8N_LOG_LEVEL: 'warn',
					N8N_PAYLOAD_SIZE_MAX: '64',
					...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
				},
				logFile: join(work, 'n8n.log'),
				// A loaded 2-core machine can take minutes to boot n8n.
				bootTimeoutMs: 600_000,
			}).catch((error: unknown) => {
				throw new Error(
					`real n8n did not start (${(error as Error).message.slice(0, 200)}); in-process figures only`,
				);
			});
			ctx.log(`n8n ${n8n.url} up`);
			await createSenderCredentials(n8n, sim.url);
			for (const variant of [...standard, ...upgraded]) await n8n.importWorkflow(workflow(variant, items));

			const run = async (list: Variant[]) => {
				const results: Record<string, Measured> = {};
				for (const variant of list) {
					const m = await measure(n8n!, sim!, variant, items);
					results[variant.key] = m;
					if (m.sampleError) ctx.log(`${variant.label}: first error item ${m.sampleError}`);
					ctx.log(
						`${variant.label}: ${m.delivered}/${items} delivered, ${m.lost} lost, ${m.duplicates} duplicates, ${m.errors} error items (${m.rateLimitErrors} rate-limit surfaced, ${m.refusedThroughput} answered 130429), node ${(m.nodeMs / 1000).toFixed(1)} s (first accepted +${m.leadMs.toFixed(0)} ms, last ${m.tailMs.toFixed(0)} ms before the end), ${m.perSecond.toFixed(1)} accepted/s (${((100 * m.perSecond) / variant.mps).toFixed(1)} % of ${variant.mps}), message k to k+${variant.mps} at the simulator min ${m.capSpacingMs.min} / p1 ${m.capSpacingMs.p1} / median ${m.capSpacingMs.median} ms, n8n CPU ${m.cpuMsPerItem.toFixed(2)} ms/item, load ${loadavg()[0].toFixed(1)}`,
					);
				}
				return results;
			};
			const rows = comparisonRows(await run(standard), items, inProcessFigures);
			// The upgraded number (1,000 msg/s) after the standard one, on the same n8n and simulator.
			if (upgraded.length) rows.push(...upgradedRows(await run(upgraded), items));
			return rows;
		} catch (error) {
			ctx.log(`FAILED: ${(error as Error).stack ?? String(error)}`);
			return [
				...inProcessFigures,
				{ metric: 'real n8n run (see log)', value: NaN, unit: '', target: 'runs', pass: false },
			];
		} finally {
			await n8n?.stop().catch(() => undefined);
			terminator?.kill();
			await sim?.close().catch(() => undefined);
			await stopAll().catch(() => undefined);
			restoreHosts?.();
			rmSync(work, { recursive: true, force: true });
		}
	},
};

export default bench;
