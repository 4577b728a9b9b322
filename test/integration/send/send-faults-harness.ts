/**
 * The send-faults proof (issue 14 item 4), shared by the integration test (send-faults.simulator.test.ts) and the
 * benchmark (bench/send-faults.bench.ts), so both measure the same thing. No jest in here.
 *
 * Real pieces: the WhatsApp Cloud API simulator injecting transport faults (some requests reset after Meta accepted
 * them: `lostResponse`; dropped before: `drop`, `timeout`; refused: `error500`), the WhatsApp Send Template node's
 * execute path (real GraphClient, limiter, retries) with Audit to Store, and the WhatsApp Clinic Trigger's webhook
 * path with Audit to Store receiving the simulator's signed status webhooks, both on one SQLite clinic store.
 *
 * Afterwards, for every message the SIMULATOR accepted (its own record, matched by the idempotency key it received in
 * `biz_opaque_callback_data`): exactly one `message.sent` entry with its message ID, or exactly one
 * `message.unknown` entry with exactly one `message.resolved` linked to it (and to its status entries by message
 * digest); never `message.failed`, never a `failed` output item; never sent twice. Every `message.unknown` the
 * simulator did not accept stays unresolved.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { queryAuditEntries, verifyAuditChain, type AuditView } from '../../../core/audit';
import { openClinicStore } from '../../../core/store';
import { decodeCallbackData } from '../../../core/whatsapp/callback-data';
import { resetSharedLimiters } from '../../../core/whatsapp/rate-limiter';
import { storeConfigFromCredential } from '../../../nodes/shared/store';
import { startSimulator, type Simulator } from '../../../simulator';
import type { FaultKind } from '../../../simulator/options';
import { httpForwarder, sendContext, STORE_REF, rl } from '../../unit/nodes/send/fake-context';

// Explicit .ts paths: tsx (the bench) would otherwise resolve "X.node" to the codex file X.node.json.
type SendNode = { execute(this: unknown): Promise<INodeExecutionData[][]> };
type TriggerNode = { webhook(this: IWebhookFunctions): Promise<{ workflowData?: INodeExecutionData[][] }> };
const nodesDir = join(__dirname, '..', '..', '..', 'nodes');
const { WhatsAppSendTemplate } = require(
	join(nodesDir, 'WhatsAppSendTemplate', 'WhatsAppSendTemplate.node.ts'),
) as {
	WhatsAppSendTemplate: new () => SendNode;
};
const { WhatsAppClinicTrigger } = require(
	join(nodesDir, 'WhatsAppClinicTrigger', 'WhatsAppClinicTrigger.node.ts'),
) as { WhatsAppClinicTrigger: new () => TriggerNode };

/**
 * continueOnFail / stopOnFail: Continue On Fail on / off. stopOnFailRefused: off, and Meta refuses item `items / 2`
 * (131026) while sends run 100 at a time, so the run throws with later items never sent.
 */
export type Mode = 'continueOnFail' | 'stopOnFail' | 'stopOnFailRefused';

export interface SendFaultsOptions {
	/** Sends per mode. */
	items: number;
	modes: Mode[];
	faultRate: number;
	faultKinds: FaultKind[];
	/** Directory for the SQLite clinic store. */
	dir: string;
	log?: (message: string) => void;
}

export interface ModeResult {
	mode: Mode;
	items: number;
	/** Output items by status (none when the run threw). */
	outputs: Record<string, number>;
	/** The error message when the run threw (Continue On Fail off). */
	thrown?: string;
}

export interface SendFaultsReport {
	/** Messages the simulator accepted (both modes). */
	accepted: number;
	/** Accepted and audited once as message.sent. */
	sent: number;
	/** Accepted, audited as message.unknown and resolved exactly once. */
	unknownResolved: number;
	/** message.unknown entries for requests the simulator never accepted (left unresolved, as they should). */
	unknownNeverAccepted: number;
	/** Items not sent (failed output items / message.failed entries). */
	failed: number;
	/** Accepted messages beyond one per item (same idempotency key or same recipient). */
	duplicates: number;
	/** Accepted messages without exactly one sent or unknown→resolved entry, or called failed; resolutions of never-accepted sends. */
	mismatches: number;
	/** The first few mismatches, described. */
	problems: string[];
	/** Transport faults the node saw: connections broken (reset / drop / timeout) and HTTP 500 answers. */
	faultsSeen: { broken: number; http500: number };
	auditEntries: number;
	chainValid: boolean;
	modes: ModeResult[];
	ms: number;
}

const STATUS_EVENTS = ['status.sent', 'status.delivered', 'status.read', 'status.failed'];

function storeCredential(dir: string) {
	return {
		backend: 'sqlite',
		sqlitePath: join(dir, 'clinic-store.sqlite'),
		phiKey: 'send-faults-test-passphrase-for-the-phi-key',
		phiKeyId: 'k1',
	};
}

/** A plain IWebhookFunctions for one POST, as n8n builds it for the trigger (Audit to Store on). */
function triggerContext(
	sim: Simulator,
	credential: Record<string, unknown>,
	staticData: IDataObject,
	req: http.IncomingMessage,
	rawBody: Buffer,
	res: http.ServerResponse,
): IWebhookFunctions {
	const params: Record<string, unknown> = {
		events: STATUS_EVENTS,
		phoneNumberIds: '',
		options: {},
		auditToStore: true,
	};
	let status = 200;
	const response = {
		status: (code: number) => {
			status = code;
			return response;
		},
		setHeader: () => response,
		send: (body: unknown) => {
			res.writeHead(status, { 'Content-Type': 'text/plain' });
			res.end(String(body));
			return response;
		},
	};
	const whatsapp = {
		accessToken: sim.accessToken,
		phoneNumberId: sim.phoneNumberId,
		businessAccountId: sim.wabaId,
		appSecret: sim.appSecret,
		webhookVerifyToken: 'sim-verify-token',
		graphApiVersion: 'v23.0',
		baseUrl: sim.url,
	};
	const quiet = () => undefined;
	const ctx = {
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getRequestObject: () => ({ rawBody, headers: req.headers }),
		getResponseObject: () => response,
		getWebhookName: () => 'default',
		getQueryData: () => ({}),
		getCredentials: async (type: string) => (type === 'clinicStoreApi' ? credential : whatsapp),
		getWorkflowStaticData: () => staticData,
		getWorkflow: () => ({ id: 'wf-trigger', name: 'Statuses', active: true }),
		getNode: () => ({
			id: 'trigger-1',
			name: 'WhatsApp Clinic Trigger',
			type: 'n8n-nodes-whatsapp-clinic.whatsAppClinicTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { whatsAppClinicApi: { id: 'wa-1', name: 'WhatsApp' }, ...STORE_REF },
		}),
		getMode: () => 'webhook',
		getExecutionId: () => 'exec-trigger',
		getInstanceId: () => 'instance-1',
		logger: { warn: quiet, error: quiet, info: quiet, debug: quiet },
		helpers: {},
	};
	return ctx as unknown as IWebhookFunctions;
}

/** A local HTTP server handing every webhook to the trigger's webhook(); `settled()` waits for the calls. */
async function startTriggerServer(sim: () => Simulator, credential: Record<string, unknown>) {
	const trigger = new WhatsAppClinicTrigger();
	const staticData: IDataObject = {};
	const pending = new Set<Promise<unknown>>();
	const answers: Record<number, number> = {};
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const run = trigger.webhook
				.call(triggerContext(sim(), credential, staticData, req, Buffer.concat(chunks), res))
				.then(() => {
					answers[res.statusCode] = (answers[res.statusCode] ?? 0) + 1;
					if (!res.writableEnded) res.end();
				})
				.catch((e: Error) => {
					res.writeHead(599);
					res.end(e.message);
				})
				.finally(() => pending.delete(run));
			pending.add(run);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
		answers,
		settled: async () => {
			while (pending.size) await Promise.all([...pending]);
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** One run of the Send Template node over `items` new recipients, with Audit to Store. */
async function runMode(
	sim: Simulator,
	credential: Record<string, unknown>,
	mode: Mode,
	modeIndex: number,
	items: number,
	faults: SendFaultsReport['faultsSeen'],
): Promise<ModeResult & { output: IDataObject[] }> {
	resetSharedLimiters();
	const forward = httpForwarder(sim.accessToken);
	const recipient = (i: number) => `+55119${40000000 + modeIndex * 100_000 + i}`;
	const refused = mode === 'stopOnFailRefused' ? recipient(Math.floor(items / 2)) : undefined;
	const graph = {
		handle: async (options: Parameters<typeof forward.handle>[0]) => {
			if (refused && (options.body as IDataObject | undefined)?.to === refused) {
				const error = { message: 'Message undeliverable', type: 'OAuthException', code: 131026 };
				return { statusCode: 400, body: { error }, headers: {} };
			}
			try {
				const res = await forward.handle(options);
				if (res.statusCode === 500) faults.http500++;
				return res;
			} catch (error) {
				faults.broken++;
				throw error;
			}
		},
	};
	const { ctx } = sendContext(
		{
			graph,
			continueOnFail: mode === 'continueOnFail',
			items: Array.from({ length: items }, () => ({ json: {} })),
			credential: { baseUrl: sim.url, phoneNumberId: sim.phoneNumberId, businessAccountId: sim.wabaId },
			params: {
				recipient,
				template: rl('appointment_reminder|pt_BR'),
				parameterSource: 'json',
				parametersJson: { header_1: 'Clínica Sol', body_1: 'Ana', body_2: '12/03', body_3: '09:30' },
				options: { messagesPerSecond: refused ? 100 : 1000, bizOpaqueCallbackData: `${mode}-run` },
				auditToStore: true,
				auditPurpose: 'appointment-reminder',
			},
		},
		credential,
		`exec-${mode}`,
	);
	try {
		const [out] = await new WhatsAppSendTemplate().execute.call(ctx);
		const outputs: Record<string, number> = {};
		for (const o of out) outputs[String(o.json.status)] = (outputs[String(o.json.status)] ?? 0) + 1;
		return { mode, items, outputs, output: out.map((o) => o.json) };
	} catch (error) {
		return { mode, items, outputs: {}, thrown: (error as Error).message, output: [] };
	}
}

async function allEntries(
	credential: Record<string, unknown>,
): Promise<{ list: AuditView[]; valid: boolean }> {
	const store = await openClinicStore(storeConfigFromCredential(credential as never, { host: hostname() }));
	const list: AuditView[] = [];
	let cursor: string | undefined;
	do {
		const page = await queryAuditEntries(store, { includeContent: true, order: 'asc', limit: 1000, cursor });
		list.push(...page.entries);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return { list, valid: (await verifyAuditChain(store)).valid };
}

const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

/** Compares the simulator's accepted messages with the audit log and the output items. */
function reconcileReport(
	sim: Simulator,
	entries: AuditView[],
	outputs: IDataObject[],
): Omit<SendFaultsReport, 'faultsSeen' | 'auditEntries' | 'chainValid' | 'modes' | 'ms'> {
	const accepted = sim.messages({ type: 'template' });
	const sentById = new Map<string, number>();
	const unknownByKey = new Map<string, number>();
	const resolutions = new Map<string, AuditView[]>();
	const failedByKey = new Map<string, number>();
	const statusDigestById = new Map<string, string>();
	for (const e of entries) {
		const key = typeof e.details?.idempotencyKey === 'string' ? e.details.idempotencyKey : '';
		if (e.event === 'message.sent' && e.messageId) count(sentById, e.messageId);
		if (e.event === 'message.unknown') count(unknownByKey, key);
		if (e.event === 'message.failed') count(failedByKey, key);
		if (e.event === 'message.resolved') resolutions.set(key, [...(resolutions.get(key) ?? []), e]);
		if (e.direction === 'status' && e.event?.startsWith('status.') && e.messageId && e.messageDigest)
			statusDigestById.set(e.messageId, e.messageDigest);
	}
	const failedOutputKeys = new Set(
		outputs.filter((o) => o.status === 'failed').map((o) => String(o.idempotencyKey)),
	);
	const problems: string[] = [];
	const report = { accepted: accepted.length, sent: 0, unknownResolved: 0, unknownNeverAccepted: 0 };
	const acceptedKeys = new Map<string, number>();
	const perRecipient = new Map<string, number>();
	for (const m of accepted) {
		const id = String(m.id);
		const key = decodeCallbackData(m.bizOpaqueCallbackData as string | undefined).idempotencyKey ?? '';
		count(acceptedKeys, key);
		count(perRecipient, String(m.to));
		const sent = sentById.get(id) ?? 0;
		const unknown = unknownByKey.get(key) ?? 0;
		const resolved = resolutions.get(key) ?? [];
		const failed = (failedByKey.get(key) ?? 0) + (failedOutputKeys.has(key) ? 1 : 0);
		const linked = resolved.length === 1 && resolved[0].details?.messageDigest === statusDigestById.get(id);
		if (sent === 1 && unknown === 0 && resolved.length === 0 && failed === 0) report.sent++;
		else if (sent === 0 && unknown === 1 && linked && failed === 0) report.unknownResolved++;
		else
			problems.push(
				`${id} (key ${key}): ${sent} sent, ${unknown} unknown, ${resolved.length} resolved${resolved.length && !linked ? ' (not linked to its status)' : ''}, ${failed} failed`,
			);
	}
	for (const o of outputs) {
		const key = String(o.idempotencyKey);
		if (o.status === 'unknown' && !unknownByKey.has(key))
			problems.push(`unknown item ${key}: no message.unknown entry`);
		if (o.status === 'failed' && !failedByKey.has(key))
			problems.push(`failed item ${key}: no message.failed entry`);
	}
	for (const [key, n] of unknownByKey) {
		if (acceptedKeys.has(key)) continue;
		report.unknownNeverAccepted += n;
		if (resolutions.has(key)) problems.push(`key ${key}: never accepted, but resolved`);
	}
	const duplicates =
		[...acceptedKeys.values()].reduce((sum, n) => sum + n - 1, 0) +
		[...perRecipient.values()].reduce((sum, n) => sum + n - 1, 0);
	const failed = Math.max(
		outputs.filter((o) => o.status === 'failed').length,
		entries.filter((e) => e.event === 'message.failed').length,
	);
	return { ...report, failed, duplicates, mismatches: problems.length, problems: problems.slice(0, 10) };
}

/** Runs every mode against one faulty simulator, delivers the status webhooks, and reports the figures. */
export async function runSendFaults(options: SendFaultsOptions): Promise<SendFaultsReport> {
	const started = Date.now();
	const log = options.log ?? (() => undefined);
	const credential = storeCredential(options.dir);
	let sim: Simulator | undefined;
	const trigger = await startTriggerServer(() => sim!, credential);
	try {
		sim = await startSimulator({
			port: 0,
			quiet: true,
			mps: 1000,
			latencyMs: 0,
			faultRate: options.faultRate,
			faultKinds: options.faultKinds,
			faultTimeoutMs: 20,
			webhookUrl: trigger.url,
			sentDelayMs: 5,
			deliveredDelayMs: 5,
			autoRead: false,
			batchWindowMs: 25,
			webhookRetryDelaysMs: [0, 50, 200, 500],
		});
		const faultsSeen = { broken: 0, http500: 0 };
		const modes: Array<ModeResult & { output: IDataObject[] }> = [];
		for (const [i, mode] of options.modes.entries()) {
			const modeStarted = Date.now();
			const result = await runMode(sim, credential, mode, i, options.items, faultsSeen);
			log(
				`${mode}: ${JSON.stringify(result.outputs)} in ${Date.now() - modeStarted} ms${result.thrown ? `, threw: ${result.thrown.slice(0, 120)}` : ''}`,
			);
			modes.push(result);
		}
		// Every status webhook answered (Meta-like retries included) and every trigger call finished.
		const drainStarted = Date.now();
		for (let round = 0; round < 3; round++) {
			await sim.idle(60_000);
			await trigger.settled();
		}
		log(
			`status webhooks drained ${Date.now() - drainStarted} ms after the last send; trigger answers ${JSON.stringify(trigger.answers)}`,
		);
		const { list, valid } = await allEntries(credential);
		const figures = reconcileReport(
			sim,
			list,
			modes.flatMap((m) => m.output),
		);
		return {
			...figures,
			faultsSeen,
			auditEntries: list.length,
			chainValid: valid,
			modes: modes.map((m) => ({ mode: m.mode, items: m.items, outputs: m.outputs, thrown: m.thrown })),
			ms: Date.now() - started,
		};
	} finally {
		await sim?.close();
		await trigger.close();
	}
}
