/**
 * Booked time per practitioner for the slot engine: every booking padded by the clinic's buffers, then sorted and
 * merged into disjoint intervals, so the engine walks each practitioner's busy time once per search.
 */
export interface BusyInterval {
	practitionerId: string;
	startMs: number;
	endMs: number;
}

/** Busy intervals grouped by practitioner, padded by the buffers, sorted and merged (disjoint). */
export class BusyIndex {
	private constructor(
		private readonly byPractitioner: Map<string, { starts: Float64Array; ends: Float64Array }>,
	) {}

	static build(intervals: Iterable<BusyInterval>, padMs: number): BusyIndex {
		const grouped = new Map<string, { s: number[]; e: number[] }>();
		for (const b of intervals) {
			let g = grouped.get(b.practitionerId);
			if (!g) grouped.set(b.practitionerId, (g = { s: [], e: [] }));
			g.s.push(b.startMs - padMs);
			g.e.push(b.endMs + padMs);
		}
		const map = new Map<string, { starts: Float64Array; ends: Float64Array }>();
		for (const [id, g] of grouped) {
			// The union of intervals depends only on the sorted starts and sorted ends (sweep with a counter), so both
			// are sorted natively as typed arrays. Starts win ties, so touching intervals merge.
			const starts = Float64Array.from(g.s).sort();
			const ends = Float64Array.from(g.e).sort();
			const outS: number[] = [];
			const outE: number[] = [];
			let i = 0;
			let j = 0;
			let open = 0;
			while (i < starts.length) {
				if (starts[i] <= ends[j]) {
					if (open++ === 0) outS.push(starts[i]);
					i++;
				} else {
					if (--open === 0) outE.push(ends[j]);
					j++;
				}
			}
			outE.push(ends[ends.length - 1]);
			map.set(id, { starts: Float64Array.from(outS), ends: Float64Array.from(outE) });
		}
		return new BusyIndex(map);
	}

	get(practitionerId: string) {
		return this.byPractitioner.get(practitionerId);
	}
}
