/**
 * Backends the shared store contract runs against. SQLite always; PostgreSQL when WAC_PG_URL is set
 * (`eval "$(bash scripts/pg-test-server.sh start)" && export WAC_PG_URL`). With CI=true a missing WAC_PG_URL fails the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

import type { ClinicStoreConfig } from '../../../core/store/ports';

/** Cheap scrypt for tests (explicit test-only option; production keys use N = 2^17). */
export const PHI = {
	key: 'a test passphrase that is long enough',
	keyId: 'test-2025',
	testOnlyScryptLog2N: 10,
};

export interface Backend {
	name: 'sqlite' | 'postgres';
	/** A fresh, empty database for one test. */
	fresh(): Promise<ClinicStoreConfig>;
	cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
	const dir = mkdtempSync(join(tmpdir(), 'wac-store-'));
	let n = 0;
	return {
		name: 'sqlite',
		async fresh() {
			return { backend: 'sqlite', path: join(dir, `store-${++n}.sqlite`), phi: PHI };
		},
		async cleanup() {
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export function pgUrl(): string | undefined {
	const url = process.env.WAC_PG_URL;
	if (!url && process.env.CI === 'true') {
		throw new Error(
			'WAC_PG_URL is not set but CI=true: start PostgreSQL with `eval "$(bash scripts/pg-test-server.sh start)" && export WAC_PG_URL`',
		);
	}
	return url || undefined;
}

function withSearchPath(url: string, schema: string): string {
	const u = new URL(url);
	u.searchParams.set('options', `-c search_path=${schema}`);
	return u.toString();
}

export function postgresBackend(url: string): Backend {
	const schemas: string[] = [];
	return {
		name: 'postgres',
		async fresh() {
			const schema = `wac_t_${randomBytes(5).toString('hex')}`;
			const c = new Client({ connectionString: url });
			await c.connect();
			await c.query(`CREATE SCHEMA ${schema}`);
			await c.end();
			schemas.push(schema);
			return {
				backend: 'postgres',
				connectionString: withSearchPath(url, schema),
				phi: PHI,
				maxConnections: 10,
			};
		},
		async cleanup() {
			if (!schemas.length) return;
			const c = new Client({ connectionString: url });
			await c.connect();
			for (const s of schemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
			await c.end();
		},
	};
}

/** `describe` for each available backend; logs once why Postgres is skipped. */
export function describeEachBackend(
	title: string,
	body: (backend: () => Backend, name: Backend['name']) => void,
): void {
	const url = pgUrl();
	describe(`${title} [sqlite]`, () => {
		let b: Backend;
		beforeAll(() => {
			b = sqliteBackend();
		});
		afterAll(async () => await b.cleanup());
		body(() => b, 'sqlite');
	});
	if (url) {
		describe(`${title} [postgres]`, () => {
			let b: Backend;
			beforeAll(() => {
				b = postgresBackend(url);
			});
			afterAll(async () => await b.cleanup());
			body(() => b, 'postgres');
		});
	} else {
		describe(`${title} [postgres]`, () => {
			it.skip('needs WAC_PG_URL — run `eval "$(bash scripts/pg-test-server.sh start)" && export WAC_PG_URL` (required when CI=true)', () =>
				undefined);
		});
	}
}
