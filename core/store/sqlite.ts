/**
 * SQLite backend on Node's built-in `node:sqlite` (Node ≥ 22.5): one synchronous connection per process, WAL,
 * busy_timeout for other processes, and an in-process async mutex so a transaction's awaits never interleave
 * with other executions' statements on the same connection.
 */
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync as DatabaseSyncType, StatementSync } from 'node:sqlite';

import { inThreadKeysetPages } from './keyset-read';
import type {
	ClinicStore,
	KeysetRead,
	PhiCipher,
	SqlTx,
	SqliteStoreConfig,
	TransactionOptions,
} from './ports';
import { backgroundKeysetPages } from './sqlite-background-read';
import { toSqliteParam, toSqlitePlaceholders } from './sql-params';
import { settle } from '../settle';

type SqliteModule = typeof import('node:sqlite');

function loadSqlite(): SqliteModule {
	let mod: SqliteModule | undefined;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		mod = require('node:sqlite') as SqliteModule;
	} catch {
		mod = undefined;
	}
	if (!mod) {
		throw new Error(
			`The SQLite backend needs Node.js 22.5 or newer (built-in node:sqlite); this n8n runs Node ${process.version}. ` +
				'Upgrade Node or choose PostgreSQL in the Clinic Store credential.',
		);
	}
	return mod;
}

/** FIFO async mutex. */
class Mutex {
	private tail: Promise<void> = Promise.resolve();
	async lock(): Promise<() => void> {
		let release!: () => void;
		const next = new Promise<void>((r) => (release = r));
		const prev = this.tail;
		this.tail = prev.then(() => next);
		await prev;
		return release;
	}
}

/** Largest part of the file SQLite maps into memory (PRAGMA mmap_size). */
const MMAP_BYTES = 2 ** 31;

/** Another machine opened the same SQLite file recently: queue-mode workers on different hosts. */
export const SHARED_FILE_WINDOW_MS = 10 * 60 * 1000;

export class SqliteClinicStore implements ClinicStore {
	readonly dialect = 'sqlite' as const;
	readonly description: string;
	private readonly db: DatabaseSyncType;
	private readonly statements = new Map<string, StatementSync>();
	private readonly mutex = new Mutex();
	private inTransaction = false;
	private closed = false;
	private readonly busyTimeoutMs: number;

	constructor(
		private readonly config: SqliteStoreConfig,
		readonly cipher: PhiCipher,
	) {
		this.busyTimeoutMs = Math.max(0, Math.floor(config.busyTimeoutMs ?? 15000));
		const { DatabaseSync } = loadSqlite();
		if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
		this.description = `sqlite:${config.path}`;
		let db: DatabaseSyncType | undefined;
		let openError = '';
		try {
			db = new DatabaseSync(config.path);
		} catch (error) {
			openError = (error as Error).message;
		}
		if (!db) {
			throw new Error(
				`Cannot open the SQLite clinic store at ${config.path}: ${openError}. Check the path and folder permissions.`,
			);
		}
		this.db = db;
		this.db.exec(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`);
		if (config.path !== ':memory:') this.db.exec('PRAGMA journal_mode = WAL');
		this.db.exec('PRAGMA synchronous = NORMAL');
		this.db.exec('PRAGMA foreign_keys = ON');
		// Long reads (KPI Report, Verify Chain over a million audit entries) read pages straight from the OS page
		// cache instead of copying each into SQLite's own cache: measured 1.33 s instead of 2.45 s CPU for the KPI
		// scan. Address space only (pages are the OS's file cache), capped by SQLite at ~2 GB.
		if (config.path !== ':memory:') this.db.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
	}

	private statement(sql: string): StatementSync {
		let st = this.statements.get(sql);
		if (!st) {
			st = this.db.prepare(toSqlitePlaceholders(sql));
			if (this.statements.size > 500) this.statements.clear();
			this.statements.set(sql, st);
		}
		return st;
	}

	private run<T>(sql: string, params: readonly unknown[] = []): T[] {
		if (this.closed) throw new Error('The clinic store is closed');
		const st = this.statement(sql);
		const values = params.map(toSqliteParam);
		if (st.columns().length === 0) {
			st.run(...values);
			return [];
		}
		return st.all(...values) as T[];
	}

	private readonly arrayStatements = new Map<string, StatementSync>();

	private runArrays(sql: string, params: readonly unknown[] = []): unknown[][] {
		if (this.closed) throw new Error('The clinic store is closed');
		let st = this.arrayStatements.get(sql);
		if (!st) {
			st = this.db.prepare(toSqlitePlaceholders(sql));
			st.setReturnArrays(true);
			if (this.arrayStatements.size > 50) this.arrayStatements.clear();
			this.arrayStatements.set(sql, st);
		}
		return st.all(...params.map(toSqliteParam)) as unknown as unknown[][];
	}

	async queryArrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]> {
		if (this.inTransaction) {
			const release = await this.mutex.lock();
			try {
				return this.runArrays(sql, params);
			} finally {
				release();
			}
		}
		return this.runArrays(sql, params);
	}

	/** A file store reads the pages in a worker thread (sqlite-background-read.ts); `:memory:` on this connection. */
	async *readKeysetPages(read: KeysetRead): AsyncGenerator<unknown[][]> {
		if (this.closed) throw new Error('The clinic store is closed');
		const inThread = () => inThreadKeysetPages(this, read);
		if (this.config.path === ':memory:') {
			yield* inThread();
			return;
		}
		const options = { path: this.config.path, busyTimeoutMs: this.busyTimeoutMs, mmapBytes: MMAP_BYTES };
		yield* backgroundKeysetPages(options, read, inThread);
	}

	private execSync(sql: string): void {
		if (this.closed) throw new Error('The clinic store is closed');
		this.db.exec(sql);
	}

	async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
		if (this.inTransaction) {
			const release = await this.mutex.lock();
			try {
				return this.run<T>(sql, params);
			} finally {
				release();
			}
		}
		return this.run<T>(sql, params);
	}

	async exec(sql: string): Promise<void> {
		const release = await this.mutex.lock();
		try {
			this.execSync(sql);
		} finally {
			release();
		}
	}

	// SQLite has one writer at a time, so `opts.lockKey` needs no extra lock.
	async transaction<T>(fn: (tx: SqlTx) => Promise<T>, opts?: TransactionOptions): Promise<T> {
		void opts;
		const release = await this.mutex.lock();
		this.inTransaction = true;
		let active = true;
		const tx: SqlTx = {
			dialect: 'sqlite',
			query: async <R>(sql: string, params?: readonly unknown[]) => {
				if (!active) throw new Error('This transaction has already finished');
				return this.run<R>(sql, params);
			},
			exec: async (sql: string) => {
				if (!active) throw new Error('This transaction has already finished');
				this.execSync(sql);
			},
		};
		try {
			// IMMEDIATE takes the write lock now, so every read inside sees the latest committed state (serialised
			// across processes too; busy_timeout makes other processes wait).
			this.execSync('BEGIN IMMEDIATE');
			const outcome = await settle(async () => {
				const value = await fn(tx);
				this.execSync('COMMIT');
				return value;
			});
			if (!outcome.ok) {
				if (this.db.isTransaction) this.execSync('ROLLBACK');
				throw outcome.error;
			}
			return outcome.value;
		} finally {
			active = false;
			this.inTransaction = false;
			release();
		}
	}

	/**
	 * Records this opener in `clinic_store_openers` and refuses when another host used the same file within
	 * `SHARED_FILE_WINDOW_MS` (queue-mode workers on different machines sharing the file over a network drive).
	 */
	async checkSharedFile(now = Date.now()): Promise<void> {
		if (this.config.path === ':memory:') return;
		const host = this.config.opener?.host ?? hostname();
		const instanceId = this.config.opener?.instanceId ?? '';
		await this.transaction(async (tx) => {
			await tx.exec(
				'CREATE TABLE IF NOT EXISTS clinic_store_openers (host TEXT PRIMARY KEY, instance_id TEXT NOT NULL, pid INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL)',
			);
			const others = await tx.query<{ host: string; last_seen_ms: number }>(
				'SELECT host, last_seen_ms FROM clinic_store_openers WHERE host <> $1 AND last_seen_ms > $2',
				[host, now - SHARED_FILE_WINDOW_MS],
			);
			if (others.length) {
				throw new Error(
					`SQLite cannot be shared by queue-mode workers on different machines — use PostgreSQL. ` +
						`The clinic store file ${this.config.path} was opened by host "${others[0].host}" ` +
						`${Math.round((now - others[0].last_seen_ms) / 1000)} s ago and now by "${host}". ` +
						'Choose the PostgreSQL backend in the Clinic Store credential.',
				);
			}
			await tx.query(
				'INSERT INTO clinic_store_openers (host, instance_id, pid, last_seen_ms) VALUES ($1, $2, $3, $4) ' +
					'ON CONFLICT (host) DO UPDATE SET instance_id = excluded.instance_id, pid = excluded.pid, last_seen_ms = excluded.last_seen_ms',
				[host, instanceId, process.pid, now],
			);
		});
	}

	async close(): Promise<void> {
		if (this.closed) return;
		const release = await this.mutex.lock();
		try {
			this.statements.clear();
			this.arrayStatements.clear();
			this.closed = true;
			this.db.close();
		} finally {
			release();
		}
	}
}
