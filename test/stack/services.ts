/**
 * The services queue mode needs besides n8n: PostgreSQL (n8n's own database and the clinic store) and Redis (n8n's
 * Bull queue). Each comes from the environment when set (WAC_PG_URL from scripts/pg-test-server.sh, WAC_REDIS_URL
 * from scripts/redis-test-server.sh; CI exports both) or is started privately by those scripts on a free port with
 * its files in a temp folder, and stopped again by `stop()`. Every stack gets its own databases (dropped on stop)
 * and its own Bull key prefix, so several stacks can share one server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { REPO_ROOT } from './paths';
import { freePort, runToCompletion } from './proc';

export interface PgDatabase {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	url: string;
	drop(): Promise<void>;
}

export interface PostgresService {
	host: string;
	port: number;
	/** Started by this process (and stopped by `stop`), or given by WAC_PG_URL. */
	owned: boolean;
	/** A new, empty database owned by the service's user. */
	createDatabase(prefix: string): Promise<PgDatabase>;
	stop(): Promise<void>;
}

export interface RedisService {
	host: string;
	port: number;
	/** Redis database index (0 unless the URL names another). */
	db: number;
	owned: boolean;
	/** A Bull key prefix nobody else uses on this server. */
	prefix: string;
	stop(): Promise<void>;
}

/** Parses the `NAME='value'` line the test-server scripts print. */
function assignment(output: string, name: string): string {
	const match = new RegExp(`${name}='([^']+)'`).exec(output);
	if (!match) throw new Error(`expected ${name}=… in:\n${output.slice(-2000)}`);
	return match[1];
}

async function script(name: string, args: string[], env: Record<string, string>): Promise<string> {
	const result = await runToCompletion('bash', [join(REPO_ROOT, 'scripts', name), ...args], {
		env: { ...process.env, ...env },
		cwd: REPO_ROOT,
	});
	if (result.code !== 0)
		throw new Error(`scripts/${name} ${args.join(' ')} failed:\n${result.output.slice(-3000)}`);
	return result.output;
}

const suffix = () => randomBytes(4).toString('hex');

/** PostgreSQL from WAC_PG_URL, or a private server (scripts/pg-test-server.sh) on a free port. */
export async function startPostgres(log: (line: string) => void = () => undefined): Promise<PostgresService> {
	let url = process.env.WAC_PG_URL;
	let privateEnv: Record<string, string> | undefined;
	if (!url) {
		privateEnv = {
			WAC_PG_PORT: String(await freePort()),
			WAC_PG_DIR: mkdtempSync(join(tmpdir(), 'wac-queue-pg-')),
		};
		url = assignment(await script('pg-test-server.sh', ['start'], privateEnv), 'WAC_PG_URL');
		log(`PostgreSQL started on port ${privateEnv.WAC_PG_PORT}`);
	}
	const parsed = new URL(url);
	const host = parsed.hostname;
	const port = Number(parsed.port || 5432);
	const user = decodeURIComponent(parsed.username);
	const password = decodeURIComponent(parsed.password);
	// The test servers trust local connections: the superuser creates the databases (the clinic user may not).
	const admin = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
		const attempts = [
			{ host, port, user: 'postgres', database: 'postgres' },
			{ host, port, user, password, database: parsed.pathname.slice(1) || 'postgres' },
		];
		let lastError: unknown;
		for (const config of attempts) {
			const client = new Client(config);
			try {
				await client.connect();
			} catch (error) {
				lastError = error;
				continue;
			}
			try {
				return await fn(client);
			} finally {
				await client.end().catch(() => undefined);
			}
		}
		throw lastError;
	};
	return {
		host,
		port,
		owned: privateEnv !== undefined,
		async createDatabase(prefix) {
			const database = `${prefix}_${suffix()}`;
			await admin(async (client) => {
				await client.query(`CREATE DATABASE ${database} OWNER "${user}"`);
			});
			return {
				host,
				port,
				database,
				user,
				password,
				url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`,
				drop: async () => {
					await admin(async (client) => {
						await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
					}).catch(() => undefined);
				},
			};
		},
		async stop() {
			if (privateEnv) await script('pg-test-server.sh', ['stop'], privateEnv).catch(() => undefined);
		},
	};
}

/** Redis from WAC_REDIS_URL, or a private server (scripts/redis-test-server.sh) on a free port. */
export async function startRedis(log: (line: string) => void = () => undefined): Promise<RedisService> {
	let url = process.env.WAC_REDIS_URL;
	let privateEnv: Record<string, string> | undefined;
	if (!url) {
		privateEnv = { WAC_REDIS_DIR: mkdtempSync(join(tmpdir(), 'wac-queue-redis-')) };
		url = assignment(await script('redis-test-server.sh', ['start'], privateEnv), 'WAC_REDIS_URL');
		log(`Redis started at ${url}`);
	}
	const parsed = new URL(url);
	return {
		host: parsed.hostname,
		port: Number(parsed.port || 6379),
		db: Number(parsed.pathname.slice(1) || 0),
		owned: privateEnv !== undefined,
		prefix: `wac-${suffix()}`,
		async stop() {
			if (privateEnv) await script('redis-test-server.sh', ['stop'], privateEnv).catch(() => undefined);
		},
	};
}
