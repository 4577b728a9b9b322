/**
 * Keyset-paged reads (core/store/keyset-read.ts): on a SQLite file store the pages come from a worker thread
 * (sqlite-background-read.ts), on PostgreSQL from the store's own queries; both give every row once, in key order.
 */
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import { inThreadKeysetPages, keysetPages } from '../../../core/store/keyset-read';
import type { ClinicStore, KeysetRead } from '../../../core/store/ports';
import { backgroundKeysetPages } from '../../../core/store/sqlite-background-read';
import { describeEachBackend } from './backends';

const ROWS = 50;
const read = (pageSize: number, from = 10, to = 45): KeysetRead => ({
	rangeSql: 'SELECT MIN(k), MAX(k) FROM keyset_t WHERE k >= $1 AND k < $2',
	rangeParams: [from, to],
	pageSql: 'SELECT k, v FROM keyset_t WHERE k > $1 AND k < $2 ORDER BY k LIMIT $3',
	pageSize,
});
const expected = (from = 10, to = 45) =>
	Array.from({ length: to - from }, (_, i) => [from + i, `v${from + i}`]);

async function all(pages: AsyncIterable<unknown[][]>): Promise<{ rows: unknown[][]; pages: number }> {
	const rows: unknown[][] = [];
	let n = 0;
	for await (const page of pages) {
		n++;
		rows.push(...page);
	}
	return { rows, pages: n };
}

afterAll(async () => await closeAllClinicStores());

describeEachBackend('keyset-paged reads', (backend, name) => {
	let store: ClinicStore;
	beforeAll(async () => {
		store = await openClinicStore(await backend().fresh(), { cache: false });
		await store.exec('CREATE TABLE keyset_t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)');
		for (let k = 1; k <= ROWS; k++)
			await store.query('INSERT INTO keyset_t (k, v) VALUES ($1, $2)', [k, `v${k}`]);
	});
	afterAll(async () => await store.close());

	it('every row of the range once, in key order, in pages of at most pageSize', async () => {
		const { rows, pages } = await all(keysetPages(store, read(7)));
		expect(rows).toEqual(expected());
		expect(pages).toBe(5);
		expect(await all(inThreadKeysetPages(store, read(7)))).toEqual({ rows, pages });
	});

	it('nothing when the range is empty', async () => {
		expect(await all(keysetPages(store, read(7, 100, 200)))).toEqual({ rows: [], pages: 0 });
	});

	if (name === 'sqlite') {
		const options = () => ({
			path: store.description.replace(/^sqlite:/, ''),
			busyTimeoutMs: 1000,
			mmapBytes: 0,
		});
		const notInThread = async function* (): AsyncGenerator<unknown[][]> {
			yield await Promise.reject(new Error('read on the main thread'));
		};

		it('a SQLite file store reads the pages in its worker thread', async () => {
			const { rows } = await all(backgroundKeysetPages(options(), read(7), notInThread));
			expect(rows).toEqual(expected());
		});

		it('a caller that stops early ends the worker, and the store reads on', async () => {
			const worker = backgroundKeysetPages(options(), read(1), notInThread);
			const first = await worker.next();
			expect(first.value).toEqual([[10, 'v10']]);
			// The worker is at most 4 pages ahead and waiting: return() must wake it and wait for it to end.
			await new Promise((resolve) => setTimeout(resolve, 50));
			await expect(worker.return(undefined)).resolves.toEqual({ done: true, value: undefined });
			expect((await all(keysetPages(store, read(7)))).rows).toEqual(expected());
		});

		it('a worker that fails before its first page leaves the read to the main thread', async () => {
			const broken = {
				...read(7),
				pageSql: 'SELECT k, v FROM no_such_table WHERE k > $1 AND k < $2 LIMIT $3',
			};
			const fallback = async function* (): AsyncGenerator<unknown[][]> {
				yield [['main thread']];
			};
			expect((await all(backgroundKeysetPages(options(), broken, fallback))).rows).toEqual([['main thread']]);
			// Through the store: the main thread's read raises the real error.
			await expect(all(keysetPages(store, broken))).rejects.toThrow(/no_such_table/);
		});
	}
});
