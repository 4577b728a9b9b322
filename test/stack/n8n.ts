/**
 * Boots a real, pinned n8n (Node 24) with a fresh user folder, our package installed as a community package,
 * the owner created from env, an API key, credentials and workflows imported through the public API, and
 * workflows published. `stop()` kills n8n and its task runner and removes the user folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildPackage, type BuiltPackage } from './build';
import { ensureN8nInstalled } from './install';
import { baseN8nEnv, processEnv, queueN8nEnv } from './n8n-env';
import type { CredentialSpec, ExecutionSummary, WorkflowJson, WorkflowSpec } from './n8n-types';
import { BCRYPT_MODULE, PACKAGE_NAME } from './paths';
import { freePort, startProcess, waitUntil, type ManagedProcess } from './proc';
import {
	clusterStatus,
	spawnClusterProcess,
	startQueueProcesses,
	waitReady,
	userFolderWithPackage,
	webhookProcessorPorts,
	type ClusterProcess,
	type ProcessStatus,
	type QueueOptions,
} from './queue';

export type { CredentialSpec, ExecutionSummary, WorkflowJson, WorkflowNode, WorkflowSpec } from './n8n-types';

export interface StartN8nOptions {
	port?: number;
	/** Base URL n8n uses for production webhooks (default http://127.0.0.1:<port>/). */
	webhookBaseUrl?: string;
	credentials?: CredentialSpec[];
	workflows?: WorkflowSpec[];
	/** Publish (activate) imported workflows that have a trigger. Default true. */
	activate?: boolean;
	owner?: { email: string; password: string; firstName?: string; lastName?: string };
	env?: Record<string, string>;
	/** A package already built by buildPackage (reused between instances); built fresh otherwise. */
	builtPackage?: BuiltPackage;
	/** Keep the user folder after stop (for debugging). */
	keepUserFolder?: boolean;
	/** Write n8n's output here (appended). */
	logFile?: string;
	bootTimeoutMs?: number;
	/** Timezone of the instance (GENERIC_TIMEZONE). */
	timezone?: string;
	/** Queue mode: main + workers + webhook processors on PostgreSQL and Redis (test/stack/queue.ts). */
	queue?: QueueOptions;
}

export interface N8nInstance {
	url: string;
	webhookBaseUrl: string;
	apiKey: string;
	owner: { email: string; password: string };
	userFolder: string;
	/** The main process (`n8n start`). */
	process: ManagedProcess;
	/** Every n8n process: main, then (queue mode) workers and webhook processors. */
	processes: ClusterProcess[];
	/** Alive, readiness and memory of every process. */
	status(): Promise<ProcessStatus[]>;
	/** Queue mode: starts one more worker or webhook processor and waits until it is ready. */
	addProcess(role: 'worker' | 'webhook'): Promise<ClusterProcess>;
	/** Kills one process at once with SIGKILL (a crash: no graceful shutdown) and waits until it is gone. */
	kill(name: string): Promise<void>;
	/** Queue mode: starts a killed or stopped worker / webhook processor again (same folder and port). */
	restart(name: string): Promise<ClusterProcess>;
	builtPackage: BuiltPackage;
	credentialIds: Record<string, string>;
	/** Workflow name → id. */
	workflowIds: Record<string, string>;
	api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	rest<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	createCredential(spec: CredentialSpec): Promise<string>;
	importWorkflow(spec: WorkflowSpec, options?: { activate?: boolean }): Promise<string>;
	activate(workflowId: string): Promise<void>;
	deactivate(workflowId: string): Promise<void>;
	/** All executions (newest first), optionally of one workflow, with their run data when includeData. */
	executions(filter?: {
		workflowId?: string;
		includeData?: boolean;
		status?: string;
	}): Promise<ExecutionSummary[]>;
	/** Waits until the workflow has at least `count` finished executions and returns them (oldest first). */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number): Promise<ExecutionSummary[]>;
	/** Production webhook URL of a node in an imported workflow: <base>webhook/<webhookId>/<path>. */
	webhookUrl(workflowName: string, nodeName: string, path: string): string;
	/** Names of the credential types and node types n8n has loaded from our package. */
	loadedTypes(): Promise<{ nodes: string[]; credentials: string[] }>;
	stop(): Promise<void>;
}

const DEFAULT_OWNER = {
	email: 'owner@clinic.test',
	password: 'Clinic-e2e-2026!',
	firstName: 'Clinic',
	lastName: 'Owner',
};

function loadWorkflow(spec: WorkflowSpec): WorkflowJson {
	return typeof spec === 'string'
		? (JSON.parse(readFileSync(spec, 'utf8')) as WorkflowJson)
		: structuredClone(spec);
}

function bcryptHash(password: string): string {
	// bcryptjs ships inside n8n's own node_modules; n8n verifies the owner password hash with it.
	const bcrypt = require(BCRYPT_MODULE) as { hashSync(p: string, rounds: number): string };
	return bcrypt.hashSync(password, 10);
}

export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const n8nBin = await ensureN8nInstalled();
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const owner = { ...DEFAULT_OWNER, ...(options.owner ?? {}) };
	const buildDir = options.builtPackage ? undefined : mkdtempSync(join(tmpdir(), 'wac-build-'));
	const built = options.builtPackage ?? (await buildPackage(buildDir!));
	// A real copy (not a symlink) so n8n resolves n8n-workflow from its own install, like a published package.
	const userFolder = userFolderWithPackage(built);
	const webhookPorts = options.queue ? await webhookProcessorPorts(options.queue) : [];
	// Queue mode: production webhooks are served by the (first) webhook processor, not by main.
	const webhookBaseUrl =
		options.webhookBaseUrl ?? (webhookPorts.length ? `http://127.0.0.1:${webhookPorts[0]}/` : `${url}/`);

	const shared = {
		...baseN8nEnv({
			encryptionKey: randomBytes(24).toString('hex'),
			editorUrl: `${url}/`,
			webhookBaseUrl,
			owner: {
				email: owner.email,
				passwordHash: bcryptHash(owner.password),
				firstName: owner.firstName,
				lastName: owner.lastName,
			},
			timezone: options.timezone,
		}),
		...(options.queue ? queueN8nEnv(options.queue) : {}),
		...(options.env ?? {}),
	};
	const env = processEnv(shared, {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
	});
	const proc = startProcess('n8n', n8nBin, ['start'], { env, cwd: userFolder, logFile: options.logFile });

	let cookie = '';
	let apiKey = '';
	const raw = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
		const response = await fetch(`${url}${path}`, {
			method,
			headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 800)}`);
		return { response, json: text ? JSON.parse(text) : undefined };
	};
	const api = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
		(await raw(method, `/api/v1${path}`, body, { 'X-N8N-API-KEY': apiKey })).json as T;
	const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
		(await raw(method, `/rest${path}`, body, { cookie })).json as T;

	const processes: ClusterProcess[] = [
		{ role: 'main', name: 'main', process: proc, userFolder, port, healthUrl: `${url}/healthz/readiness` },
	];
	/** Stops every process (workers first, main last) and removes the folders. */
	const stopProcesses = async () => {
		for (const p of [...processes].reverse()) await p.process.stop();
		if (options.keepUserFolder) return;
		for (const p of processes) rmSync(p.userFolder, { recursive: true, force: true });
		if (buildDir) rmSync(buildDir, { recursive: true, force: true });
	};
	const bootTimeout = options.bootTimeoutMs ?? (options.queue ? 360_000 : 180_000);
	const cluster = options.queue
		? { n8nBin, sharedEnv: shared, built, queue: options.queue, logFile: options.logFile }
		: undefined;
	const named = (name: string) => {
		const p = processes.find((q) => q.name === name);
		if (!p) throw new Error(`no n8n process "${name}" (have: ${processes.map((q) => q.name).join(', ')})`);
		return p;
	};
	try {
		await Promise.race([
			waitUntil(
				'n8n readiness',
				async () => {
					const r = await fetch(`${url}/healthz/readiness`);
					return r.ok;
				},
				bootTimeout,
				250,
			),
			proc.exited.then((code) => {
				throw new Error(`n8n exited (${code}) during boot:\n${proc.tail(60)}`);
			}),
		]);
		const login = await raw(
			'POST',
			'/rest/login',
			{ emailOrLdapLoginId: owner.email, password: owner.password },
			{},
		);
		cookie = (login.response.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
		const scopes = (await rest<{ data: string[] }>('GET', '/api-keys/scopes')).data;
		const created = await rest<{ data: { rawApiKey: string } }>('POST', '/api-keys', {
			label: `e2e-${Date.now()}`,
			scopes,
			expiresAt: null,
		});
		apiKey = created.data.rawApiKey;
		if (cluster)
			processes.push(
				...(await startQueueProcesses({ ...cluster, webhookPorts, bootTimeoutMs: bootTimeout })),
			);
	} catch (error) {
		await stopProcesses();
		throw error;
	}

	const credentialIds: Record<string, string> = {};
	const credentialTypes: Record<string, string> = {};
	const workflowIds: Record<string, string> = {};
	const workflowJson: Record<string, WorkflowJson> = {};

	/** Keeps only the fields the credential type declares (fixtures carry candidates for several layouts). */
	const fitToSchema = async (type: string, data: Record<string, unknown>) => {
		const schema = await api<{ properties?: Record<string, { enum?: unknown[] }> }>(
			'GET',
			`/credentials/schema/${type}`,
		).catch(() => undefined);
		if (!schema?.properties) return data;
		const fitted: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(data)) {
			const prop = schema.properties[key];
			if (!prop) continue;
			if (prop.enum && !prop.enum.includes(value)) continue;
			fitted[key] = value;
		}
		return fitted;
	};

	const instance: N8nInstance = {
		url,
		webhookBaseUrl,
		get apiKey() {
			return apiKey;
		},
		owner: { email: owner.email, password: owner.password },
		userFolder,
		process: proc,
		processes,
		status: async () => await clusterStatus(processes),
		async addProcess(role) {
			if (!cluster) throw new Error('addProcess needs queue mode');
			const index = processes.filter((p) => p.role === role).length + 1;
			const added = await spawnClusterProcess(cluster, role, index, await freePort());
			processes.push(added);
			await waitReady(added, bootTimeout);
			return added;
		},
		async kill(name) {
			const p = named(name);
			if (p.process.child.pid) process.kill(p.process.child.pid, 'SIGKILL');
			await p.process.exited;
		},
		async restart(name) {
			const old = named(name);
			if (!cluster || old.role === 'main')
				throw new Error('restart works for workers and webhook processors');
			await old.process.stop();
			const index = Number(old.name.split('-')[1]);
			const fresh = await spawnClusterProcess(cluster, old.role, index, old.port, old.userFolder);
			processes.splice(processes.indexOf(old), 1, fresh);
			await waitReady(fresh, bootTimeout);
			return fresh;
		},
		builtPackage: built,
		credentialIds,
		workflowIds,
		api,
		rest,
		async createCredential(input) {
			const spec = { ...input, data: await fitToSchema(input.type, input.data) };
			let id: string;
			try {
				id = (await api<{ id: string }>('POST', '/credentials', spec)).id;
			} catch (error) {
				// The public API validates against a JSON schema derived from the credential's fields; the
				// internal endpoint (what the editor uses) is the fallback so a schema quirk does not block tests.
				const viaRest = await rest<{ data: { id: string } }>('POST', '/credentials', spec).catch(() => {
					throw error;
				});
				id = viaRest.data.id;
			}
			credentialIds[spec.name] = id;
			credentialTypes[spec.name] = spec.type;
			return id;
		},
		async importWorkflow(spec, importOptions = {}) {
			const wf = loadWorkflow(spec);
			for (const node of wf.nodes) {
				for (const [type, ref] of Object.entries(node.credentials ?? {})) {
					const byName = credentialIds[ref.name] && credentialTypes[ref.name] === type ? ref.name : undefined;
					const name = byName ?? Object.keys(credentialTypes).find((n) => credentialTypes[n] === type);
					if (name) node.credentials![type] = { id: credentialIds[name], name };
				}
			}
			const body = {
				name: wf.name,
				nodes: wf.nodes,
				connections: wf.connections,
				settings: { executionOrder: 'v1', ...(wf.settings ?? {}) },
				...(wf.staticData ? { staticData: wf.staticData } : {}),
			};
			const created = await api<{ id: string }>('POST', '/workflows', body);
			workflowIds[wf.name] = created.id;
			workflowJson[wf.name] = wf;
			const hasTrigger = wf.nodes.some(
				(n) =>
					n.type !== 'n8n-nodes-base.manualTrigger' &&
					(/trigger$/i.test(n.type) || n.type === 'n8n-nodes-base.webhook'),
			);
			if ((importOptions.activate ?? options.activate ?? true) && hasTrigger)
				await instance.activate(created.id);
			return created.id;
		},
		async activate(workflowId) {
			await api('POST', `/workflows/${workflowId}/publish`, {});
		},
		async deactivate(workflowId) {
			await api('POST', `/workflows/${workflowId}/unpublish`, {});
		},
		async executions(filter = {}) {
			const all: ExecutionSummary[] = [];
			let cursor: string | undefined;
			do {
				const qs = new URLSearchParams({ limit: '250' });
				if (filter.workflowId) qs.set('workflowId', filter.workflowId);
				if (filter.includeData) qs.set('includeData', 'true');
				if (filter.status) qs.set('status', filter.status);
				if (cursor) qs.set('cursor', cursor);
				const page = await api<{ data: ExecutionSummary[]; nextCursor?: string | null }>(
					'GET',
					`/executions?${qs}`,
				);
				all.push(...page.data);
				cursor = page.nextCursor ?? undefined;
			} while (cursor);
			return all;
		},
		async waitForExecutions(workflowId, count, timeoutMs = 30_000) {
			return waitUntil(
				`${count} finished execution(s) of workflow ${workflowId}`,
				async () => {
					const list = await instance.executions({ workflowId, includeData: true });
					const done = list.filter(
						(e) => e.status !== 'running' && e.status !== 'new' && e.status !== 'waiting',
					);
					return done.length >= count ? done.reverse() : undefined;
				},
				timeoutMs,
				300,
			);
		},
		webhookUrl(workflowName, nodeName, path) {
			const node = workflowJson[workflowName]?.nodes.find((n) => n.name === nodeName);
			if (!node?.webhookId)
				throw new Error(`workflow "${workflowName}" has no node "${nodeName}" with a webhookId`);
			return `${webhookBaseUrl}webhook/${node.webhookId}/${path}`;
		},
		async loadedTypes() {
			const nodes = await fetch(`${url}/types/nodes.json`, { headers: { cookie } }).then(
				(r) => r.json() as Promise<Array<{ name: string }>>,
			);
			const creds = await fetch(`${url}/types/credentials.json`, { headers: { cookie } }).then(
				(r) => r.json() as Promise<Array<{ name: string }>>,
			);
			return {
				nodes: nodes.map((n) => n.name).filter((n) => n.startsWith(`${PACKAGE_NAME}.`)),
				credentials: creds.map((c) => c.name),
			};
		},
		stop: stopProcesses,
	};

	for (const credential of options.credentials ?? []) await instance.createCredential(credential);
	for (const workflow of options.workflows ?? []) await instance.importWorkflow(workflow);
	return instance;
}
