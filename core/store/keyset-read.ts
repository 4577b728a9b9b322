/**
 * Keyset-paged reads (`KeysetRead`, ports.ts): the store's own background reader when it has one (SQLite file
 * stores: a worker thread, sqlite-background-read.ts), else the same queries on the store, one page at a time.
 */
import type { ClinicStore, KeysetRead } from './ports';

/** The key range [first, last] of a `KeysetRead`'s range row, or null when there is nothing to read. */
export function keyRange(row: readonly unknown[] | undefined): [number, number] | null {
	if (!row || row[0] === null || row[0] === undefined) return null;
	return [Number(row[0]), Number(row[1])];
}

/** The pages of `read`, in key order (value arrays in the page query's column order). */
export async function* keysetPages(store: ClinicStore, read: KeysetRead): AsyncGenerator<unknown[][]> {
	yield* store.readKeysetPages ? store.readKeysetPages(read) : inThreadKeysetPages(store, read);
}

/** The pages of `read`, each queried on `store` itself when the previous one was taken. */
export async function* inThreadKeysetPages(
	store: ClinicStore,
	read: KeysetRead,
): AsyncGenerator<unknown[][]> {
	const arrays = async (sql: string, params: readonly unknown[]): Promise<unknown[][]> => {
		if (store.queryArrays) return await store.queryArrays(sql, params);
		const rows = await store.query<Record<string, unknown>>(sql, params);
		return rows.map((r) => Object.values(r));
	};
	const [rangeRow] = await arrays(read.rangeSql, read.rangeParams);
	yield* pagesInKeyOrder(
		keyRange(rangeRow),
		async (after, end) => await arrays(read.pageSql, [after, end, read.pageSize]),
		(row) => Number(row[0]),
	);
}

/**
 * Walks the keys [first, last] of `range` page by page: `fetch(after, end)` returns the next rows with
 * after < key < end in key order (empty when done), `keyOf` the key of a row.
 */
export async function* pagesInKeyOrder<R>(
	range: [number, number] | null,
	fetch: (after: number, end: number) => Promise<R[]>,
	keyOf: (row: R) => number,
): AsyncGenerator<R[]> {
	if (!range) return;
	const end = range[1] + 1;
	let after = range[0] - 1;
	for (;;) {
		const rows = await fetch(after, end);
		if (!rows.length) return;
		after = keyOf(rows[rows.length - 1]);
		yield rows;
	}
}
