/**
 * `npm run e2e [-- <scenario-name-filter> ...] [--keep] [--queue]`
 * Boots the simulator and a real pinned n8n with this package, imports credentials and workflows, and runs
 * every scenario in test/e2e/scenarios. Last line: "N passed, N failed" (", N skipped" when some were skipped).
 * Exit code 1 on any failure.
 *
 * `--queue`: the same scenarios against n8n in queue mode (main + 2 workers + 1 webhook processor on PostgreSQL and
 * Redis, the clinic store on PostgreSQL; test/stack/queue.ts), plus the `queue-*` scenarios, which only run there.
 * Scenarios that cannot run in queue mode are skipped with the reason (QUEUE_SKIPS, docs/queue-mode.md).
 */
import { startStack, stopAll, type Stack } from '../stack';
import type { Scenario, ScenarioContext } from './scenario';
import { scenarios as regularScenarios } from './scenarios';
import { queueBudgetScenario } from './scenarios/queue-budget';
import { queueCrashScenario } from './scenarios/queue-crash';
import { queueDedupScenario } from './scenarios/queue-dedup';

/** Queue mode's own scenarios, after the regular ones (they need --queue; the crash test restarts a worker). */
const scenarios: Scenario[] = [
	...regularScenarios,
	queueBudgetScenario,
	queueDedupScenario,
	queueCrashScenario,
];

/** Scenarios that cannot run in queue mode, and why (keep docs/queue-mode.md "Testing" in step). */
export const QUEUE_SKIPS: Record<string, string> = {};

/** Why `scenario` does not run in this mode, or undefined when it does. */
function skipReason(scenario: Scenario, queue: boolean): string | undefined {
	if (scenario.name.startsWith('queue-') && !queue) return 'runs only in queue mode (npm run e2e -- --queue)';
	return queue ? QUEUE_SKIPS[scenario.name] : undefined;
}

const SCENARIO_TIMEOUT_MS = 150_000;
/** queue-* scenarios may boot an extra n8n process or restart a killed worker (a minute or more on 2 cores). */
const QUEUE_SCENARIO_TIMEOUT_MS = 420_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<T>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
		}),
	]);
}

async function main(): Promise<number> {
	const args = process.argv.slice(2);
	const keep = args.includes('--keep');
	const queue = args.includes('--queue');
	const filters = args.filter((a) => !a.startsWith('--'));
	const matching = scenarios.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
	const skipped = matching.filter((s) => skipReason(s, queue) !== undefined);
	const selected = matching.filter((s) => !skipped.includes(s));
	const started = Date.now();
	const stamp = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
	console.log(
		`e2e${queue ? ' (queue mode)' : ''}: ${selected.length} scenario(s): ${selected.map((s) => s.name).join(', ')}`,
	);
	for (const s of skipped) console.log(`SKIP ${s.name}: ${skipReason(s, queue)}`);

	let stack: Stack | undefined;
	const results: Array<{ scenario: Scenario; ok: boolean; ms: number; error?: string }> = [];
	const shutdown = async () => {
		await stack?.stop();
		await stopAll();
	};
	const onSignal = (signal: NodeJS.Signals) => {
		console.log(`\ne2e: ${signal}, stopping…`);
		void shutdown().finally(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		stack = await startStack({ keep, queue, log: (line) => console.log(`[${stamp()}] ${line}`) });
		const { n8n, sim, loaded } = stack;
		console.log(`[${stamp()}] loaded node types: ${loaded.nodes.join(', ') || '(none)'}`);
		console.log(`[${stamp()}] workflows: ${Object.keys(stack.workflowFiles).join(', ') || '(none)'}`);
		for (const scenario of selected) {
			const t0 = Date.now();
			const cleanups: Array<() => Promise<void> | void> = [];
			const ctx: ScenarioContext = {
				n8n,
				sim,
				loaded,
				stack,
				log: (m) => console.log(`    ${m}`),
				defer: (step) => cleanups.push(step),
			};
			let error: string | undefined;
			try {
				const missing = [
					...(scenario.requires?.nodes ?? [])
						.filter((n) => !loaded.nodes.includes(n))
						.map((n) => `node ${n}`),
					...(scenario.requires?.credentials ?? [])
						.filter((c) => !loaded.credentials.includes(c))
						.map((c) => `credential ${c}`),
				];
				if (missing.length) throw new Error(`not available in the built package: ${missing.join(', ')}`);
				await sim.reset();
				const timeout = scenario.name.startsWith('queue-') ? QUEUE_SCENARIO_TIMEOUT_MS : SCENARIO_TIMEOUT_MS;
				await withTimeout(scenario.run(ctx), timeout, scenario.name);
			} catch (e) {
				error = e instanceof Error ? e.message : String(e);
			}
			for (const step of cleanups.reverse()) {
				try {
					await step();
				} catch (e) {
					console.log(`    cleanup failed: ${String(e)}`);
				}
			}
			const ms = Date.now() - t0;
			results.push({ scenario, ok: !error, ms, error });
			console.log(
				`[${stamp()}] ${error ? 'FAIL' : 'PASS'} ${scenario.name} (${(ms / 1000).toFixed(1)}s) - ${scenario.description}`,
			);
			if (error) console.log(`    ${error.split('\n').join('\n    ')}`);
		}
		if (queue)
			for (const p of await stack.n8n.status())
				console.log(
					`[${stamp()}] ${p.name}: ${p.alive ? 'alive' : 'DOWN'}, readiness ${p.health}, RSS ${p.rssMb.toFixed(0)} MiB (peak ${p.peakRssMb.toFixed(0)} MiB)`,
				);
	} catch (e) {
		console.log(`e2e: setup failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
		for (const s of selected)
			if (!results.some((r) => r.scenario === s))
				results.push({ scenario: s, ok: false, ms: 0, error: 'setup failed' });
	} finally {
		await shutdown();
	}
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	console.log(`e2e total ${stamp()}${keep && stack ? ` (kept ${stack.work})` : ''}`);
	console.log(`${passed} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
	return failed === 0 && results.length > 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e);
		console.log('0 passed, 1 failed');
		process.exit(1);
	},
);
