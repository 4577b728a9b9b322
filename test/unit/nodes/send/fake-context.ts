/**
 * A minimal IExecuteFunctions / ILoadOptionsFunctions for the Send nodes, whose authenticated HTTP helper is
 * answered by an in-memory Graph API (FakeGraph). Parameters come from a plain object; a function value is
 * evaluated per item (like an expression).
 */
import type {
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import { TEMPLATES } from '../../../../simulator/templates';

export interface SentRequest {
	method: string;
	path: string;
	body: any;
	qs?: Record<string, unknown>;
}

type Responder = (req: SentRequest, attempt: number) => { status: number; body: unknown } | undefined;

let wamid = 0;

export class FakeGraph {
	requests: SentRequest[] = [];
	/** Per-recipient attempt counters. */
	attempts = new Map<string, number>();
	templates = TEMPLATES.map((t) => ({ ...t }));
	/** Return a response to override the default for a request. */
	responder?: Responder;
	uploads: Array<{ fileName: string; mimeType: string; size: number }> = [];
	/** Set to [] to record the third argument of each httpRequestWithAuthentication call. */
	credentialOptions?: unknown[];

	get messages(): any[] {
		return this.requests
			.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))
			.map((r) => r.body);
	}

	async handle(
		options: IHttpRequestOptions,
	): Promise<{ statusCode: number; body: unknown; headers: Record<string, string> }> {
		const url = new URL(options.url!);
		const path = url.pathname.replace(/^\/v[0-9.]+\//, '');
		const req: SentRequest = {
			method: String(options.method ?? 'GET'),
			path,
			body: Buffer.isBuffer(options.body) ? options.body : (options.body as any),
			qs: options.qs as Record<string, unknown>,
		};
		this.requests.push(req);
		const key = req.body?.to ?? req.body?.recipient ?? path;
		const attempt = (this.attempts.get(key) ?? 0) + 1;
		this.attempts.set(key, attempt);
		const custom = this.responder?.(req, attempt);
		const reply = custom ?? this.defaultReply(req, options);
		return { statusCode: reply.status, body: reply.body, headers: { 'content-type': 'application/json' } };
	}

	private defaultReply(req: SentRequest, options: IHttpRequestOptions): { status: number; body: unknown } {
		if (req.method === 'GET' && req.path.endsWith('/message_templates')) {
			const qs = req.qs ?? {};
			const data = this.templates.filter(
				(t) => (!qs.name || t.name === qs.name) && (!qs.status || t.status === qs.status),
			);
			return { status: 200, body: { data, paging: { cursors: { before: 'a', after: 'b' } } } };
		}
		if (req.method === 'POST' && req.path.endsWith('/media')) {
			const raw = (options.body as Buffer).toString('latin1');
			const fileName = /filename="([^"]+)"/.exec(raw)?.[1] ?? '';
			const mimeType = /Content-Type: ([^\r\n]+)\r\n\r\n/.exec(raw)?.[1] ?? '';
			this.uploads.push({ fileName, mimeType, size: raw.length });
			return { status: 200, body: { id: String(900000 + this.uploads.length) } };
		}
		if (req.method === 'POST' && req.path.endsWith('/messages')) {
			if (req.body.status === 'read') return { status: 200, body: { success: true } };
			const input = req.body.to ?? req.body.recipient;
			return {
				status: 200,
				body: {
					messaging_product: 'whatsapp',
					contacts: [{ input, wa_id: req.body.to ? String(input).replace('+', '') : undefined }],
					messages: [{ id: `wamid.TEST${++wamid}` }],
				},
			};
		}
		return {
			status: 404,
			body: { error: { message: 'Unknown path', code: 100, type: 'GraphMethodException' } },
		};
	}
}

/** Meta's error body. */
export function metaError(code: number, message: string, status = 400, details?: string) {
	return {
		status,
		body: {
			error: {
				message,
				type: 'OAuthException',
				code,
				error_data: details ? { messaging_product: 'whatsapp', details } : undefined,
				fbtrace_id: 'TRACE123',
			},
		},
	};
}

/** Anything that answers n8n's authenticated request helper (FakeGraph, or a forwarder to the simulator). */
export interface GraphEndpoint {
	handle(
		options: IHttpRequestOptions,
	): Promise<{ statusCode: number; body: unknown; headers: Record<string, string> }>;
	/** Third argument of each httpRequestWithAuthentication call, when the endpoint wants to see it. */
	credentialOptions?: unknown[];
}

/** Forwards n8n request options to a real HTTP server (the simulator), adding the Bearer token. */
export function httpForwarder(token: string): GraphEndpoint {
	return {
		async handle(options) {
			const url = new URL(options.url!);
			for (const [k, v] of Object.entries(options.qs ?? {}))
				if (v !== undefined) url.searchParams.set(k, String(v));
			const headers: Record<string, string> = { authorization: `Bearer ${token}` };
			for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = String(v);
			let body: Uint8Array | string | undefined;
			if (Buffer.isBuffer(options.body)) body = new Uint8Array(options.body);
			else if (options.body !== undefined) {
				body = JSON.stringify(options.body);
				headers['content-type'] = 'application/json';
			}
			const res = await fetch(url, { method: options.method ?? 'GET', headers, body });
			const text = await res.text();
			let parsed: unknown = text;
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = text;
			}
			return { statusCode: res.status, body: parsed, headers: Object.fromEntries(res.headers.entries()) };
		},
	};
}

export interface FakeContextOptions {
	items?: INodeExecutionData[];
	params: Record<string, unknown>;
	continueOnFail?: boolean;
	graph: GraphEndpoint;
	credential?: Record<string, unknown>;
	/** The workflow's time zone (this.getTimezone()); default America/Sao_Paulo. */
	timezone?: string;
}

export const NODE: INode = {
	id: 'node-1',
	name: 'Send',
	type: 'n8n-nodes-whatsapp-clinic.whatsAppSendTemplate',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function fakeContext(opts: FakeContextOptions): IExecuteFunctions & ILoadOptionsFunctions {
	const items: INodeExecutionData[] = opts.items ?? [{ json: {} }];
	const credential = {
		accessToken: 'secret-token',
		phoneNumberId: '100000000000001',
		businessAccountId: '200000000000001',
		baseUrl: 'http://graph.test',
		graphApiVersion: 'v25.0',
		...opts.credential,
	};
	const param = (
		name: string,
		itemIndex: number | undefined,
		fallback: unknown,
		options?: { extractValue?: boolean },
	) => {
		let value = opts.params[name];
		if (typeof value === 'function') value = (value as (i: number) => unknown)(itemIndex ?? 0);
		if (value === undefined) return fallback;
		if (options?.extractValue && value && typeof value === 'object' && '__rl' in value)
			return (value as any).value;
		return value;
	};
	let credentialReads = 0;
	const parameterReads: Record<string, number> = {};
	const ctx = {
		get credentialReads() {
			return credentialReads;
		},
		getInputData: () => items,
		// Per-item (function) parameters look like expressions to the node, constant ones like literals.
		getNode: () => ({
			...NODE,
			parameters: Object.fromEntries(
				Object.entries(opts.params).map(([k, v]) => [k, typeof v === 'function' ? '={{ per item }}' : v]),
			),
		}),
		continueOnFail: () => opts.continueOnFail ?? false,
		getTimezone: () => opts.timezone ?? 'America/Sao_Paulo',
		parameterReads,
		getNodeParameter: (
			name: string,
			itemIndex?: number,
			fallback?: unknown,
			options?: { extractValue?: boolean },
		) => {
			parameterReads[name] = (parameterReads[name] ?? 0) + 1;
			return param(name, itemIndex, fallback, options);
		},
		getCurrentNodeParameter: (name: string, options?: { extractValue?: boolean }) =>
			param(name, 0, undefined, options),
		getCredentials: async () => {
			credentialReads++;
			return credential;
		},
		helpers: {
			httpRequestWithAuthentication: async function (
				_type: string,
				options: IHttpRequestOptions,
				additional?: unknown,
			) {
				opts.graph.credentialOptions?.push(additional);
				return await opts.graph.handle(options);
			},
			assertBinaryData: (itemIndex: number, property: string) => {
				const binary = items[itemIndex]?.binary?.[property];
				if (!binary) throw new Error(`no binary ${property}`);
				return binary;
			},
			getBinaryDataBuffer: async (itemIndex: number, property: string) =>
				Buffer.from(items[itemIndex].binary![property].data, 'base64'),
		},
	};
	return ctx as unknown as IExecuteFunctions & ILoadOptionsFunctions;
}

export function rl(value: string, mode = 'list') {
	return { __rl: true, mode, value };
}

export const STORE_REF = { clinicStoreApi: { id: 'store-1', name: 'Clinic Store' } };

/** A Send node context whose node has (or lacks) the Clinic Store credential; records credential types read. */
export function sendContext(
	options: FakeContextOptions,
	storeCredential: Record<string, unknown> | null,
	executionId = 'exec-7',
) {
	const ctx = fakeContext(options) as unknown as IExecuteFunctions & Record<string, unknown>;
	const whatsapp = ctx.getCredentials.bind(ctx);
	const node = ctx.getNode.bind(ctx);
	const credentialTypes: string[] = [];
	Object.assign(ctx, {
		getNode: () => ({
			...node(),
			credentials: storeCredential
				? { whatsAppClinicApi: { id: 'wa-1', name: 'WhatsApp' }, ...STORE_REF }
				: { whatsAppClinicApi: { id: 'wa-1', name: 'WhatsApp' } },
		}),
		getWorkflow: () => ({ id: 'wf-send', name: 'Reminders', active: true }),
		getExecutionId: () => executionId,
		getCredentials: async (type: string) => {
			credentialTypes.push(type);
			return type === 'clinicStoreApi' ? storeCredential : await whatsapp(type);
		},
	});
	return { ctx, credentialTypes };
}
