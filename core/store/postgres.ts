/**
 * PostgreSQL backend (`pg` Pool). Rows are normalised to look like SQLite rows: BIGINT/NUMERIC → number (when safe),
 * timestamps → ISO strings. `transaction(fn, { lockKey })` takes `pg_advisory_xact_lock(hashtext(lockKey))`.
 */
import { Pool, types, type PoolClient, type PoolConfig } from 'pg';

import type { ClinicStore, PhiCipher, PostgresStoreConfig, SqlTx, TransactionOptions } from './ports';
import { toPostgresParam } from './sql-params';
import { settle } from '../settle';

const toNumber = (v: string): number | string => {
	const n = Number(v);
	return Number.isSafeInteger(n) || (!Number.isInteger(n) && Number.isFinite(n)) ? n : v;
};
const toIso = (v: string): string => {
	const d = new Date(v);
	return Number.isNaN(d.getTime()) ? v : d.toISOString();
};

/** Per-pool type parsers (the global `pg.types` is left untouched for other packages in the n8n process). */
const typeParsers = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (format !== 'binary') {
			switch (oid) {
				case 20: // int8
				case 1700: // numeric
					return toNumber;
				case 1114: // timestamp
				case 1184: // timestamptz
					return toIso;
				case 1082: // date
					return (v: string) => v;
			}
		}
		return types.getTypeParser(oid, format ?? 'text');
	},
};

export function describePostgres(config: PostgresStoreConfig): string {
	if (config.connectionString) {
		try {
			const u = new URL(config.connectionString);
			return `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`;
		} catch {
			return 'postgres://(connection string)';
		}
	}
	return `postgres://${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
}

export class PostgresClinicStore implements ClinicStore {
	readonly dialect = 'postgres' as const;
	readonly description: string;
	readonly pool: Pool;

	constructor(
		config: PostgresStoreConfig,
		readonly cipher: PhiCipher,
	) {
		this.description = describePostgres(config);
		const poolConfig: PoolConfig = {
			max: config.maxConnections ?? 5,
			idleTimeoutMillis: 30000,
			connectionTimeoutMillis: 10000,
			types: typeParsers,
			application_name: 'n8n-nodes-whatsapp-clinic',
		};
		if (config.connectionString) poolConfig.connectionString = config.connectionString;
		else {
			poolConfig.host = config.host;
			poolConfig.port = config.port;
			poolConfig.database = config.database;
			poolConfig.user = config.user;
			poolConfig.password = config.password;
		}
		if (config.ssl === 'require') poolConfig.ssl = { rejectUnauthorized: false };
		else if (config.ssl === 'verify') poolConfig.ssl = { rejectUnauthorized: true };
		this.pool = new Pool(poolConfig);
		// An idle client losing its connection must not crash n8n; the next query reconnects.
		this.pool.on('error', () => undefined);
	}

	private wrap(error: unknown): Error {
		const e = error as Error & { code?: string };
		if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === '28P01' || e.code === '3D000') {
			return new Error(
				`Cannot reach the PostgreSQL clinic store at ${this.description}: ${e.message}. Check host, port, database, user and password in the Clinic Store credential.`,
			);
		}
		return e instanceof Error ? e : new Error(String(error));
	}

	async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
		const res = await settle(async () => await this.pool.query(sql, params.map(toPostgresParam)));
		if (!res.ok) throw this.wrap(res.error);
		return (res.value.rows ?? []) as T[];
	}

	async queryArrays(sql: string, params: readonly unknown[] = []): Promise<unknown[][]> {
		const res = await settle(
			async () => await this.pool.query({ text: sql, values: params.map(toPostgresParam), rowMode: 'array' }),
		);
		if (!res.ok) throw this.wrap(res.error);
		return (res.value.rows ?? []) as unknown[][];
	}

	async exec(sql: string): Promise<void> {
		const res = await settle(async () => await this.pool.query(sql));
		if (!res.ok) throw this.wrap(res.error);
	}

	async transaction<T>(fn: (tx: SqlTx) => Promise<T>, opts?: TransactionOptions): Promise<T> {
		const connected = await settle(async () => await this.pool.connect());
		if (!connected.ok) throw this.wrap(connected.error);
		const client: PoolClient = connected.value;
		// A checked-out client has no pool listener: without this, a dropped connection (server restart, admin
		// termination) between two statements would be an unhandled 'error' event and crash the n8n process.
		let lost: Error | undefined;
		const onError = (error: Error) => {
			lost = error;
		};
		client.on('error', onError);
		let active = true;
		const tx: SqlTx = {
			dialect: 'postgres',
			query: async <R>(sql: string, params: readonly unknown[] = []) => {
				if (!active) throw new Error('This transaction has already finished');
				const res = await client.query(sql, params.map(toPostgresParam));
				return (res.rows ?? []) as R[];
			},
			exec: async (sql: string) => {
				if (!active) throw new Error('This transaction has already finished');
				await client.query(sql);
			},
		};
		const outcome = await settle(async () => {
			await client.query('BEGIN');
			if (opts?.lockKey) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [opts.lockKey]);
			const value = await fn(tx);
			await client.query('COMMIT');
			return value;
		});
		active = false;
		if (outcome.ok) {
			client.off('error', onError);
			client.release(lost);
			return outcome.value;
		}
		const rolledBack = lost ? { ok: false } : await settle(async () => await client.query('ROLLBACK'));
		client.off('error', onError);
		client.release(!rolledBack.ok);
		throw this.wrap(outcome.error);
	}

	private closing?: Promise<void>;

	/** Idempotent, like the SQLite store's: closing twice (e.g. a test's cleanup after a shared one) is a no-op. */
	async close(): Promise<void> {
		this.closing ??= this.pool.end();
		await this.closing;
	}
}
