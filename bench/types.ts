/**
 * Benchmark contract. Every `bench/<name>.bench.ts` default-exports a `Benchmark`.
 * A benchmark measures its subject AND the reference it is compared with in the same run, and reports each figure
 * (and the ratio between them) as a `BenchResult`. `target` is a human-readable goal ("≥ 50000", "< 20 ms"),
 * `pass` says whether this run met it (informational figures use `pass: true` and target "info").
 */
export interface BenchResult {
	metric: string;
	value: number;
	unit: string;
	target: string;
	pass: boolean;
}

export interface BenchContext {
	/** True when `--quick` was given: smaller inputs, for smoke runs. */
	quick: boolean;
	/** Progress notes go to stderr so `--json` output stays clean. */
	log(message: string): void;
}

export interface Benchmark {
	name: string;
	description: string;
	run(ctx: BenchContext): Promise<BenchResult[]>;
}
