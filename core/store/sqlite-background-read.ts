/**
 * `readKeysetPages` of the SQLite store: a long read (KPI Report: a million audit entries) runs on a second,
 * read-only connection in a worker thread, so SQLite reads the next pages (and node:sqlite turns them into JS values)
 * while the caller counts the previous ones: on two cores the read is then mostly hidden behind the counting.
 *
 * The worker is a short plain-JavaScript program (it needs nothing but node:sqlite), so it runs the same from the
 * built package, tsx and jest. It stays at most `PAGES_AHEAD` pages ahead of the caller (a shared counter it waits
 * on), and stops after its current page when the caller stops early. When the worker cannot start or fails before
 * its first page (e.g. a Node that loads node:sqlite only with a flag the worker did not get), the same read runs on
 * the store's own connection instead; a failure after pages were handed out is an error.
 */
import { Worker } from 'node:worker_threads';

import type { KeysetRead } from './ports';
import { toSqliteParam, toSqlitePlaceholders } from './sql-params';

/** Pages the worker may have read that the caller has not taken yet. */
const PAGES_AHEAD = 4;
/** Shared counter slots: pages handed over but not taken; 1 = the caller stopped. */
const PENDING = 0;
const STOP = 1;

/** Runs in the worker (`workerData`: path, busyTimeoutMs, mmapBytes, rangeSql, rangeParams, pageSql, pageSize). */
const WORKER_SOURCE = `
'use strict';
process.removeAllListeners('warning'); // node:sqlite's ExperimentalWarning is printed once, by the main thread
const { parentPort, workerData: w } = require('node:worker_threads');
const shared = new Int32Array(w.shared);
let db;
try {
	const { DatabaseSync } = require('node:sqlite');
	db = new DatabaseSync(w.path, { readOnly: true });
	db.exec('PRAGMA busy_timeout = ' + w.busyTimeoutMs);
	db.exec('PRAGMA mmap_size = ' + w.mmapBytes);
	const range = db.prepare(w.rangeSql);
	range.setReturnArrays(true);
	const first = range.get(...w.rangeParams);
	if (first && first[0] !== null && first[0] !== undefined) {
		const end = Number(first[1]) + 1;
		let after = Number(first[0]) - 1;
		const page = db.prepare(w.pageSql);
		page.setReturnArrays(true);
		for (;;) {
			for (;;) {
				const n = Atomics.load(shared, ${PENDING});
				if (n < ${PAGES_AHEAD}) break;
				Atomics.wait(shared, ${PENDING}, n);
			}
			if (Atomics.load(shared, ${STOP}) === 1) break;
			const rows = page.all(after, end, w.pageSize);
			if (!rows.length) break;
			after = Number(rows[rows.length - 1][0]);
			Atomics.add(shared, ${PENDING}, 1);
			parentPort.postMessage({ rows });
		}
	}
	parentPort.postMessage({ done: true });
} catch (error) {
	parentPort.postMessage({ error: String((error && error.message) || error) });
} finally {
	if (db) db.close();
}
`;

type Message = { rows: unknown[][] } | { done: true } | { error: string } | { exit: number };

export interface BackgroundReadOptions {
	path: string;
	busyTimeoutMs: number;
	mmapBytes: number;
}

/** The pages of `read` from a worker thread; `inThread` reads them on the store's own connection. */
export async function* backgroundKeysetPages(
	options: BackgroundReadOptions,
	read: KeysetRead,
	inThread: () => AsyncGenerator<unknown[][]>,
): AsyncGenerator<unknown[][]> {
	const shared = new SharedArrayBuffer(8);
	const counters = new Int32Array(shared);
	const queue: Message[] = [];
	let wake: (() => void) | null = null;
	const push = (m: Message) => {
		queue.push(m);
		wake?.();
	};
	let worker: Worker;
	try {
		worker = new Worker(WORKER_SOURCE, {
			eval: true,
			workerData: {
				...options,
				shared,
				rangeSql: toSqlitePlaceholders(read.rangeSql),
				rangeParams: read.rangeParams.map(toSqliteParam),
				pageSql: toSqlitePlaceholders(read.pageSql),
				pageSize: read.pageSize,
			},
		});
	} catch {
		yield* inThread();
		return;
	}
	worker.on('message', push);
	worker.on('error', (error: Error) => push({ error: error.message }));
	worker.on('exit', (code: number) => push({ exit: code }));
	let exited = false;
	let pages = 0;
	try {
		for (;;) {
			while (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
			wake = null;
			const m = queue.shift()!;
			if ('rows' in m) {
				Atomics.sub(counters, PENDING, 1);
				Atomics.notify(counters, PENDING);
				pages++;
				yield m.rows;
			} else if ('error' in m) {
				if (pages) throw new Error(`Reading the clinic store failed: ${m.error}`);
				yield* inThread();
				return;
			} else if ('exit' in m) {
				exited = true;
				if (pages) throw new Error(`The clinic store's background reader stopped (exit code ${m.exit})`);
				yield* inThread();
				return;
			} else return;
		}
	} finally {
		if (!exited) {
			// Stopped early (or done): the worker finishes its page and closes its connection. PENDING changes too, so
			// a worker about to wait on its old value does not block.
			Atomics.store(counters, STOP, 1);
			Atomics.store(counters, PENDING, 0);
			Atomics.notify(counters, PENDING);
			await new Promise<void>((resolve) => {
				if (queue.some((m) => 'exit' in m)) resolve();
				else worker.once('exit', () => resolve());
			});
		}
	}
}
