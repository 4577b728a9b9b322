/**
 * n8n glue for the clinic store: turns the "Clinic Store" credential (clinicStoreApi) into a store config, opens
 * the store once per process and configuration (migrations applied), and provides the credential test that every
 * node using this credential wires up:
 *
 *   credentials: [{ ...clinicStoreCredential, required: true }],
 *   methods = { credentialTest: { clinicStoreConnectionTest } };
 */
import { homedir, hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';

import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type ICredentialTestFunctions,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type IHookFunctions,
	type INode,
	type INodeCredentialDescription,
	type INodeCredentialTestResult,
	type ITriggerFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

// Every store carries the audit log table (Trigger/Send 'Audit to Store', Consent, Audit Log node).
import '../../core/audit/schema';
import { ClinicError } from '../../core/errors';
import { openClinicStore } from '../../core/store/open-store';
import { PhiKeyError } from '../../core/store/phi-errors';
import type { ClinicStore, ClinicStoreConfig } from '../../core/store/ports';
import { settle } from '../../core/settle';
import { toNodeError } from './errors';

export const CLINIC_STORE_CREDENTIAL = 'clinicStoreApi';
export const CLINIC_STORE_FILE_NAME = 'clinic-store.sqlite';

type StoreContext = IExecuteFunctions | IWebhookFunctions | ITriggerFunctions | IHookFunctions;

/** n8n's user folder (`$N8N_USER_FOLDER/.n8n`, default `~/.n8n`), where the default SQLite file lives. */
export function n8nUserFolder(): string {
	const base = process.env.N8N_USER_FOLDER || homedir();
	return join(base, '.n8n');
}

export function defaultSqlitePath(): string {
	return join(n8nUserFolder(), CLINIC_STORE_FILE_NAME);
}

/**
 * Parses the old "Previous Keys" text of credentials saved before the list field: `keyId=key` entries separated by
 * new lines or commas (which is why a passphrase with a comma needs the list).
 */
export function parsePreviousKeys(text: unknown): Array<{ keyId: string; key: string }> {
	if (typeof text !== 'string' || !text.trim()) return [];
	return text
		.split(/[\n,]+/)
		.map((line) => line.trim())
		.filter(Boolean)
		.map((line) => {
			const at = line.indexOf('=');
			if (at < 1)
				throw new Error(
					'Previous Keys (Old Format): write one "keyId=key" per line, e.g. "2024-01=3q2+7w…", or use the Previous Keys list',
				);
			return { keyId: line.slice(0, at).trim(), key: line.slice(at + 1).trim() };
		});
}

/** The "Previous Keys" list (fixedCollection `previousKeyList.keys[]`), then any old-format text entries. */
export function previousKeysFromCredential(
	data: ICredentialDataDecryptedObject,
): Array<{ keyId: string; key: string }> {
	const list = (data.previousKeyList as { keys?: Array<{ keyId?: unknown; key?: unknown }> } | undefined)
		?.keys;
	const fromList = (Array.isArray(list) ? list : []).map((entry, i) => {
		const keyId = String(entry.keyId ?? '').trim();
		const key = String(entry.key ?? '');
		if (!keyId && !key.trim()) return null;
		if (!keyId)
			throw new Error(`Previous Keys: entry ${i + 1} has a key but no Key ID: enter the ID it was used with`);
		if (!key.trim())
			throw new Error(`Previous Keys: "${keyId}" has no key: enter the key or remove the entry`);
		return { keyId, key };
	});
	return [
		...fromList.filter((k): k is { keyId: string; key: string } => k !== null),
		...parsePreviousKeys(data.previousKeys),
	];
}

/** n8n runs in queue mode: main, workers and webhook processors all have EXECUTIONS_MODE=queue. */
export function isQueueMode(): boolean {
	return process.env.EXECUTIONS_MODE === 'queue';
}

export const QUEUE_MODE_SQLITE_MESSAGE =
	'SQLite cannot be used in n8n queue mode: every worker and webhook process would keep its own file (split audit log, consent and deduplication, and no shared send budget). Set Backend to PostgreSQL in the Clinic Store credential.';

/** The queue-mode refusal as a configuration error (code, field and hint reach the error item). */
function queueModeSqliteError(): ClinicError {
	return new ClinicError(QUEUE_MODE_SQLITE_MESSAGE, {
		code: 'queue_mode_sqlite',
		kind: 'config',
		field: 'Backend',
		title: 'SQLite Clinic Store in queue mode',
		hint: 'Set Backend to PostgreSQL in the Clinic Store credential, for every workflow of this n8n (docs/queue-mode.md).',
	});
}

/** Refuses the SQLite backend in queue mode (the credential names the backend; docs/queue-mode.md). */
export function assertNotQueueModeSqlite(node: INode): void {
	if (isQueueMode()) throw toNodeError(node, queueModeSqliteError());
}

/** Credential data → store config. Throws a plain Error naming the credential field. */
export function storeConfigFromCredential(
	data: ICredentialDataDecryptedObject,
	opener?: { host?: string; instanceId?: string },
): ClinicStoreConfig {
	const phiKey = String(data.phiKey ?? '');
	if (!phiKey.trim()) {
		throw new Error(
			'"PHI Encryption Key" is empty in the Clinic Store credential: set 32 random bytes (base64/hex, e.g. `openssl rand -base64 32`) or a long passphrase',
		);
	}
	const phi = {
		key: phiKey,
		keyId: String(data.phiKeyId || 'key-1').trim(),
		previousKeys: previousKeysFromCredential(data),
	};
	const backend = String(data.backend || 'sqlite');
	if (backend === 'postgres') {
		const host = String(data.host ?? '').trim();
		if (!host) throw new Error('"Host" is empty in the Clinic Store credential (PostgreSQL)');
		const ssl = String(data.ssl || 'disable');
		return {
			backend: 'postgres',
			host,
			port: Number(data.port) || 5432,
			database: String(data.database || 'postgres'),
			user: String(data.user || 'postgres'),
			password: String(data.password ?? ''),
			ssl: ssl === 'require' ? 'require' : ssl === 'verify' ? 'verify' : false,
			maxConnections: Number(data.maxConnections) || 5,
			phi,
			opener,
		};
	}
	if (backend !== 'sqlite')
		throw new Error(
			`Unknown backend "${backend}" in the Clinic Store credential: choose SQLite or PostgreSQL`,
		);
	if (isQueueMode()) throw queueModeSqliteError();
	let path = String(data.sqlitePath ?? '').trim();
	if (!path) path = defaultSqlitePath();
	else if (path.startsWith('~/')) path = join(homedir(), path.slice(2));
	else if (!isAbsolute(path)) path = join(n8nUserFolder(), path);
	return { backend: 'sqlite', path, phi, opener };
}

function openerOf(ctx: { getInstanceId?: () => string }): { host: string; instanceId?: string } {
	let instanceId: string | undefined;
	try {
		instanceId = ctx.getInstanceId?.();
	} catch {
		instanceId = undefined;
	}
	return { host: hostname(), instanceId };
}

/** The clinic store for the node's "Clinic Store" credential (opened once per process; migrations applied). */
export async function getClinicStore(ctx: StoreContext, itemIndex?: number): Promise<ClinicStore> {
	const data = await ctx.getCredentials(CLINIC_STORE_CREDENTIAL);
	const configured = await settle(async () => storeConfigFromCredential(data, openerOf(ctx)));
	if (!configured.ok) {
		if (configured.error instanceof ClinicError)
			throw toNodeError(ctx.getNode(), configured.error, itemIndex);
		throw new NodeOperationError(ctx.getNode(), (configured.error as Error).message, { itemIndex });
	}
	const opened = await settle(async () => await openClinicStore(configured.value));
	if (!opened.ok) {
		// A key problem says what to do itself (which key, which field).
		if (opened.error instanceof PhiKeyError) throw toNodeError(ctx.getNode(), opened.error, itemIndex);
		throw new NodeOperationError(
			ctx.getNode(),
			`Clinic store unavailable: ${(opened.error as Error).message}`,
			{
				itemIndex,
				description:
					'Check the Clinic Store credential (Test button) — the database must be reachable and writable.',
			},
		);
	}
	return opened.value;
}

/**
 * A node's Clinic Store credential entry, tested by clinicStoreConnectionTest (wire that into the node's `methods`):
 * `{ ...clinicStoreCredential, required: true }`; an optional one may say in `displayOptions` which operations read
 * it. Spread into an object literal, because n8n's lint rules read a node's credentials as literals.
 */
export const clinicStoreCredential = {
	name: 'clinicStoreApi',
	testedBy: 'clinicStoreConnectionTest',
} as const satisfies INodeCredentialDescription;

/** Credential test for clinicStoreApi: opens the database (uncached), applies migrations, checks the PHI key. */
export async function clinicStoreConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const res = await settle(async () => {
		const config = storeConfigFromCredential(credential.data ?? {}, { host: hostname() });
		const store = await openClinicStore(config, { cache: false });
		const probe = await settle(async () => {
			await store.query('SELECT 1 AS ok');
			const place = { table: 'credential_test', column: 'probe', row: 0 };
			const sample = store.cipher.encrypt('probe', place);
			if (store.cipher.decrypt(sample, place) !== 'probe') throw new Error('PHI key self-test failed');
			return store.description;
		});
		await store.close();
		if (!probe.ok) throw probe.error;
		return probe.value;
	});
	if (!res.ok) {
		const error = res.error as Error;
		if (!(error instanceof PhiKeyError) || !error.hint) return { status: 'Error', message: error.message };
		const stop = /[.!?]$/.test(error.message) ? ' ' : '. ';
		return { status: 'Error', message: `${error.message}${stop}${error.hint}` };
	}
	return { status: 'OK', message: `Connected to ${res.value}` };
}
