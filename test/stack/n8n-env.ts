/**
 * The environment of an n8n process in the dev stack: one instance (`n8n start` on SQLite) or, in queue mode, every
 * process of the cluster (main, workers, webhook processors on PostgreSQL and Redis). What differs per process (port,
 * task-broker port, user folder) is added by the caller.
 */
import { n8nToolEnv } from './install';
import type { PgDatabase, RedisService } from './services';

export interface OwnerEnv {
	email: string;
	passwordHash: string;
	firstName: string;
	lastName: string;
}

export interface BaseEnvOptions {
	encryptionKey: string;
	editorUrl: string;
	webhookBaseUrl: string;
	owner: OwnerEnv;
	timezone?: string;
}

/** Settings every n8n process of one stack shares. */
export function baseN8nEnv(options: BaseEnvOptions): Record<string, string> {
	return {
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: options.webhookBaseUrl,
		WEBHOOK_URL: options.webhookBaseUrl,
		N8N_EDITOR_BASE_URL: options.editorUrl,
		N8N_ENCRYPTION_KEY: options.encryptionKey,
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: options.owner.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: options.owner.passwordHash,
		N8N_INSTANCE_OWNER_FIRST_NAME: options.owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: options.owner.lastName,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_TASK_TIMEOUT: '300',
		N8N_RUNNERS_GRANT_TOKEN_TTL: '120',
		// Synchronous activation: publish returns once webhooks/triggers are live, and activation errors surface.
		N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
		DB_SQLITE_POOL_SIZE: '4',
		// A busy machine must not flip n8n into "database not ready" (503 to every webhook) for a slow ping.
		DB_PING_TIMEOUT_MS: '30000',
		DB_PING_INTERVAL_SECONDS: '10',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_PRUNE: 'false',
		GENERIC_TIMEZONE: options.timezone ?? 'America/Sao_Paulo',
		N8N_LOG_LEVEL: process.env.WAC_N8N_LOG_LEVEL ?? 'info',
		N8N_NO_COLOR: 'true',
	};
}

export interface QueueEnvOptions {
	/** n8n's own database. */
	database: PgDatabase;
	redis: RedisService;
}

/**
 * Queue mode (n8n docs "Queue mode"): PostgreSQL as n8n's database, Bull on Redis, production webhooks only on the
 * webhook processors (`N8N_DISABLE_PRODUCTION_MAIN_PROCESS`), health endpoints on workers. A killed worker's job is
 * noticed after QUEUE_WORKER_STALLED_INTERVAL (shortened here so crash tests do not wait a minute).
 */
export function queueN8nEnv({ database, redis }: QueueEnvOptions): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: database.host,
		DB_POSTGRESDB_PORT: String(database.port),
		DB_POSTGRESDB_DATABASE: database.database,
		DB_POSTGRESDB_USER: database.user,
		DB_POSTGRESDB_PASSWORD: database.password,
		DB_POSTGRESDB_POOL_SIZE: '4',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_DB: String(redis.db),
		QUEUE_BULL_PREFIX: redis.prefix,
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_WORKER_LOCK_DURATION: '15000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
	};
}

/** The full environment of one process: Node 24 first on PATH, the shared settings, then the process's own. */
export function processEnv(shared: Record<string, string>, own: Record<string, string>): NodeJS.ProcessEnv {
	return n8nToolEnv({ ...shared, ...own });
}
