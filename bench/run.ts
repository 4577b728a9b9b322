/**
 * Benchmark runner: `npm run bench` runs every bench/*.bench.ts; `npm run bench -- NAME [NAME…]` runs some;
 * `-- --json` prints one JSON object per line ({bench, metric, value, unit, target, pass}); `--quick` shrinks inputs;
 * `--list` lists benchmarks. Exit code 1 when any figure misses its target.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchResult, Benchmark } from './types';

interface Row extends BenchResult {
	bench: string;
}

function formatValue(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Math.abs(value) >= 100) return value.toFixed(0);
	if (Math.abs(value) >= 1) return value.toFixed(2);
	return value.toPrecision(3);
}

export function renderTable(rows: Row[]): string {
	const header = ['bench', 'metric', 'value', 'unit', 'target', 'pass'];
	const body = rows.map((r) => [
		r.bench,
		r.metric,
		formatValue(r.value),
		r.unit,
		r.target,
		r.pass ? 'yes' : 'NO',
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function loadBenchmarks(): Promise<Benchmark[]> {
	const files = readdirSync(__dirname)
		.filter((f) => f.endsWith('.bench.ts'))
		.sort();
	const list: Benchmark[] = [];
	for (const file of files) {
		const mod = (await import(join(__dirname, file))) as { default?: Benchmark | { default?: Benchmark } };
		let bench = mod.default as Benchmark | undefined;
		if (bench && !('run' in bench) && 'default' in bench) bench = (bench as { default?: Benchmark }).default;
		if (!bench || typeof bench.run !== 'function') throw new Error(`${file} must default-export a Benchmark`);
		list.push(bench);
	}
	return list;
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const json = args.includes('--json');
	const quick = args.includes('--quick');
	const names = args.filter((a) => !a.startsWith('--'));
	const all = await loadBenchmarks();
	if (args.includes('--list')) {
		for (const b of all) console.log(`${b.name.padEnd(24)} ${b.description}`);
		return;
	}
	const unknown = names.filter((n) => !all.some((b) => b.name === n));
	if (unknown.length) {
		console.error(
			`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.map((b) => b.name).join(', ')}`,
		);
		process.exit(2);
	}
	// Long runs only when named (npm run bench -- scale-100k): never in --quick or in a plain `npm run bench`.
	const onlyWhenNamed = new Set(['scale-100k']);
	const selected = names.length
		? all.filter((b) => names.includes(b.name))
		: all.filter((b) => !onlyWhenNamed.has(b.name));
	const rows: Row[] = [];
	let failed = false;
	for (const bench of selected) {
		const log = (m: string) => process.stderr.write(`[${bench.name}] ${m}\n`);
		log(bench.description);
		let results: BenchResult[];
		try {
			results = await bench.run({ quick, log });
		} catch (error) {
			failed = true;
			log(`FAILED: ${(error as Error).stack ?? String(error)}`);
			results = [{ metric: 'error', value: NaN, unit: '', target: 'runs', pass: false }];
		}
		for (const r of results) {
			const row: Row = { bench: bench.name, ...r };
			rows.push(row);
			if (!r.pass) failed = true;
			if (json) console.log(JSON.stringify(row));
		}
	}
	if (!json) console.log(renderTable(rows));
	process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
