/**
 * Clinic store ports: the SQL access every stateful module (audit log, consent, scheduling, webhook dedup) uses.
 *
 * Portable SQL rules (both dialects run the same text):
 * - Placeholders are `$1, $2, …` in both dialects (translated to `?1, ?2` for SQLite).
 * - Parameters: `Date` → ISO-8601 UTC string; `boolean` → `1/0` in both (fits INTEGER flags and Postgres BOOLEAN);
 *   `undefined` → NULL; `bigint` passes through; objects/arrays → JSON text.
 * - Results: Postgres BIGINT/NUMERIC come back as JS numbers (when safe), timestamps as ISO strings, so rows look
 *   the same as SQLite rows. Prefer TEXT (ISO) or BIGINT (epoch ms) for times and INTEGER 0/1 for flags so reads
 *   are identical on both backends.
 * - `INSERT … ON CONFLICT … DO NOTHING/UPDATE` and `RETURNING` work on both (SQLite ≥ 3.35; node:sqlite ships 3.50).
 * - PHI (message text, captions, names, birth dates, phone numbers) is stored only as `cipher.encrypt(value, place)`
 *   output; lookups and indexes use `cipher.digest(...)` (keyed HMAC), never the plaintext. Every table holding
 *   ciphertexts or digests is listed in phi-columns.ts (Rotate Keys and the key checks work from that list), and a
 *   digest is always written together with the ciphertext of the same value in the same row.
 */

export type SqlDialect = 'sqlite' | 'postgres';

/** A connection-bound handle: the store itself, or the transaction passed to `transaction(fn)`. */
export interface SqlTx {
	readonly dialect: SqlDialect;
	/** Runs one statement with `$n` placeholders and returns its rows (empty array for statements without rows). */
	query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
	/** Runs one or more statements without parameters (DDL, scripts). */
	exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
	/**
	 * Serialises transactions that share this key across every execution and process:
	 * Postgres `pg_advisory_xact_lock(hashtext(key))`; SQLite takes the database write lock (`BEGIN IMMEDIATE`),
	 * which already serialises all writers. Use it for read-modify-write sequences (hash chain, slot booking).
	 */
	lockKey?: string;
}

export interface ClinicStore extends SqlTx {
	/**
	 * Like `query`, but each row is an array of column values in SELECT order (much faster for large scans on
	 * node:sqlite). Optional so test doubles need not implement it.
	 */
	queryArrays?(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
	/**
	 * A long read in key order, page by page (`KeysetRead`). A SQLite file store reads the pages on a second,
	 * read-only connection in a worker thread, so the next pages are read while the caller handles the previous ones;
	 * without this method, `keysetPages` (keyset-read.ts) runs the same queries on the store itself.
	 */
	readKeysetPages?(read: KeysetRead): AsyncGenerator<unknown[][]>;
	/** Runs `fn` in one transaction: commit when it resolves, rollback when it throws. Not re-entrant. */
	transaction<T>(fn: (tx: SqlTx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
	/**
	 * Field-level encryption for PHI columns (AES-256-GCM, key id kept in every ciphertext for rotation). Available
	 * once the store is open (openClinicStore checks the configured keys against the store's key metadata first).
	 */
	readonly cipher: PhiCipher;
	/** A short, non-secret description for messages: `sqlite:/path/file.sqlite` or `postgres://host:port/db`. */
	readonly description: string;
	close(): Promise<void>;
}

/**
 * A read of many rows in key order, in pages (keyset pagination). `rangeSql` (parameters `rangeParams`) returns one
 * row whose first two values are the first and last key to read (NULL: nothing to read); `pageSql` returns the rows
 * with `$1 < key < $2`, at most `$3` of them, in key order, with the key as its first column, as value arrays.
 */
export interface KeysetRead {
	rangeSql: string;
	rangeParams: readonly unknown[];
	pageSql: string;
	pageSize: number;
}

/** Where a ciphertext lives: bound into its authenticated data, so it does not decrypt anywhere else. */
export interface PhiPlace {
	table: string;
	column: string;
	/** The row's primary key (a value that never changes for the row). */
	row: string | number | bigint;
}

export interface PhiCipher {
	/** Key id used for new ciphertexts. */
	readonly keyId: string;
	/** `'v2:<keyId>:<iv>:<tag>:<ciphertext>'` (base64url parts, random 12-byte IV), bound to `place`. */
	encrypt(plain: string, place: PhiPlace): string;
	/**
	 * Decrypts with the key named in the ciphertext (current or a previous key); clear error when it is missing or
	 * wrong, or when the value was moved from another place. Old `v1:` values (no place binding) still decrypt.
	 */
	decrypt(ciphertext: string, place: PhiPlace): string;
	/** Keyed HMAC-SHA-256 (hex) under the current key, for lookup columns and unique indexes. Never plaintext. */
	digest(value: string): string;
	/** The digests of `value` under the current AND every previous key: use `WHERE col IN (…)` after a key rotation. */
	lookupDigests(value: string): string[];
	/** True when `ciphertext` is in the current format under the current key (Rotate Keys leaves it alone). */
	isCurrent(ciphertext: string): boolean;
	/** Every configured key id, the current one first. */
	keyIds(): string[];
}

/** One schema step. `id` is unique across the package, e.g. `'audit-001'`; never edit a released migration. */
export interface Migration {
	id: string;
	sqlite: string;
	postgres: string;
}

/** Store configuration (what the Clinic Store credential resolves to). */
export type ClinicStoreConfig = SqliteStoreConfig | PostgresStoreConfig;

export interface PhiKeyConfig {
	/** Current key: 32 bytes as base64 / 64 hex chars, or a passphrase (stretched with scrypt). */
	key: string;
	/** Id stored in each ciphertext so old entries remain readable after rotation. */
	keyId: string;
	/** Keys that were current before (only used to decrypt / look up old entries). */
	previousKeys?: Array<{ keyId: string; key: string }>;
	/**
	 * TESTS ONLY: scrypt cost (log2 N) for passphrase keys seen for the first time in a store, instead of OWASP's
	 * N = 2^17. Recorded with the key, so later opens use it too. The Clinic Store credential never sets it.
	 */
	testOnlyScryptLog2N?: number;
}

interface StoreConfigBase {
	phi: PhiKeyConfig;
	/**
	 * Who opens the store (for the SQLite shared-file check), e.g. `{ host: os.hostname(), instanceId }`.
	 * Defaults to this process's hostname.
	 */
	opener?: { host?: string; instanceId?: string };
}

export interface SqliteStoreConfig extends StoreConfigBase {
	backend: 'sqlite';
	/** Absolute file path, or ':memory:' (tests only). */
	path: string;
	/** ms to wait for another writer before failing (default 15000). */
	busyTimeoutMs?: number;
}

export interface PostgresStoreConfig extends StoreConfigBase {
	backend: 'postgres';
	/** Either a connection string… */
	connectionString?: string;
	/** …or discrete fields. */
	host?: string;
	port?: number;
	database?: string;
	user?: string;
	password?: string;
	/** false = no TLS; 'require' = TLS without certificate check; 'verify' = TLS with CA check. */
	ssl?: false | 'require' | 'verify';
	/** Pool size (default 5). */
	maxConnections?: number;
}

/** Deduplication of webhook events (Trigger). */
export interface ProcessedEventStore {
	/**
	 * Atomically claims each key: `true` = first time seen (process it), `false` = already claimed within `ttlMs`.
	 * Duplicates inside `keys` get `true` only for the first occurrence.
	 */
	claim(keys: readonly string[], ttlMs: number): Promise<boolean[]>;
	/** Releases claims (e.g. when processing failed and Meta should be allowed to redeliver). */
	release(keys: readonly string[]): Promise<void>;
}
