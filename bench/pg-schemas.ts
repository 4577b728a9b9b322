/**
 * Throwaway PostgreSQL schemas for a bench run on WAC_PG_URL: each `config()` creates a fresh schema and returns a
 * Clinic Store config whose connection uses it (search_path in the URL); `drop()` removes every schema it created.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

import type { ClinicStoreConfig } from '../core/store/ports';

export interface ScratchSchemas {
	config(): Promise<ClinicStoreConfig>;
	drop(): Promise<void>;
}

export function scratchSchemas(url: string, prefix: string, phi: ClinicStoreConfig['phi']): ScratchSchemas {
	const schemas: string[] = [];
	const admin = async (sql: string[]): Promise<void> => {
		const c = new Client({ connectionString: url });
		await c.connect();
		try {
			for (const statement of sql) await c.query(statement);
		} finally {
			await c.end();
		}
	};
	return {
		async config() {
			const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
			await admin([`CREATE SCHEMA ${schema}`]);
			schemas.push(schema);
			const u = new URL(url);
			u.searchParams.set('options', `-c search_path=${schema}`);
			return { backend: 'postgres', connectionString: u.toString(), phi };
		},
		async drop() {
			await admin(schemas.splice(0).map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE`));
		},
	};
}
