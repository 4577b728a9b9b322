/** Small statistics the report needs: percentages, quantiles of a sample, and the response-time histogram bins. */

/** `part / whole` as a percentage with one decimal, or null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
	return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

/** Rounds to one decimal (null stays null). */
export function round1(value: number | null): number | null {
	return value === null ? null : Math.round(value * 10) / 10;
}

/**
 * Quantile `q` (0–1) of an ascending sample, interpolating between the two nearest values (the usual "type 7"
 * definition of spreadsheets and R, so the median of an even sample is the mean of the middle two). Null when empty.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number | null {
	const n = sorted.length;
	if (n === 0) return null;
	const h = (n - 1) * q;
	const lo = Math.floor(h);
	const hi = Math.min(lo + 1, n - 1);
	return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The sample (numbers, or several arrays of them) as one ascending Float64Array. */
export function sortedSample(parts: ReadonlyArray<ArrayLike<number>>): Float64Array {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Float64Array(n);
	let at = 0;
	for (const p of parts) {
		for (let i = 0; i < p.length; i++) out[at++] = p[i];
	}
	return out.sort();
}

/** Median and 90th percentile of a sample, rounded to one decimal. */
export function medianAndP90(sorted: ArrayLike<number>): { median: number | null; p90: number | null } {
	return { median: round1(quantile(sorted, 0.5)), p90: round1(quantile(sorted, 0.9)) };
}

/** Response-time bins (upper bounds in seconds) of the distribution chart: the words a clinic uses for waits. */
export const RESPONSE_BINS: ReadonlyArray<{ label: string; upToSeconds: number }> = [
	{ label: '< 1 min', upToSeconds: 60 },
	{ label: '1–5 min', upToSeconds: 300 },
	{ label: '5–15 min', upToSeconds: 900 },
	{ label: '15–60 min', upToSeconds: 3600 },
	{ label: '1–4 h', upToSeconds: 4 * 3600 },
	{ label: '4–24 h', upToSeconds: 24 * 3600 },
	{ label: '> 24 h', upToSeconds: Infinity },
];

/** Counts of an ascending sample per RESPONSE_BINS entry. */
export function responseHistogram(sorted: ArrayLike<number>): Array<{ bin: string; responses: number }> {
	const counts = RESPONSE_BINS.map(() => 0);
	let b = 0;
	for (let i = 0; i < sorted.length; i++) {
		while (sorted[i] >= RESPONSE_BINS[b].upToSeconds) b++;
		counts[b]++;
	}
	return RESPONSE_BINS.map((bin, i) => ({ bin: bin.label, responses: counts[i] }));
}
