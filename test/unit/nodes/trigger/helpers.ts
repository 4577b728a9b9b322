import { mockDeep } from 'jest-mock-extended';
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { signBody } from '../../../../core/webhook/signature';

export const APP_SECRET = ['sim', 'secret'].join('-');
export const VERIFY = ['verify', 'me', 'please'].join('-');
export const PHONE_NUMBER_ID = '106540352242922';

export const CREDENTIALS = {
	accessToken: 'EAAG-test-access',
	phoneNumberId: PHONE_NUMBER_ID,
	businessAccountId: '102290129340398',
	appSecret: APP_SECRET,
	webhookVerifyToken: VERIFY,
	graphApiVersion: 'v25.0',
	baseUrl: 'https://graph.facebook.com',
};

export interface FakeResponse {
	statusCode?: number;
	body?: unknown;
	headers: Record<string, string>;
	status: jest.Mock;
	setHeader: jest.Mock;
	send: jest.Mock;
}

export function fakeResponse(): FakeResponse {
	const res: FakeResponse = {
		headers: {},
		status: jest.fn((code: number) => {
			res.statusCode = code;
			return res;
		}),
		setHeader: jest.fn((k: string, v: string) => {
			res.headers[k.toLowerCase()] = v;
			return res;
		}),
		send: jest.fn((b: unknown) => {
			res.body = b;
			return res;
		}),
	};
	return res;
}

export interface HttpCall {
	method: string;
	url: string;
	qs?: Record<string, unknown>;
	body?: unknown;
}

export type HttpHandler = (call: HttpCall) => {
	statusCode: number;
	body?: unknown;
	headers?: Record<string, string>;
};

export interface WebhookCtxOptions {
	body?: Buffer;
	signature?: string | null;
	headers?: Record<string, string>;
	params?: Record<string, unknown>;
	credentials?: Record<string, unknown>;
	staticData?: Record<string, unknown>;
	name?: 'default' | 'setup';
	query?: Record<string, unknown>;
	workflowId?: string;
	mode?: string;
	http?: HttpHandler;
}

export function webhookContext(o: WebhookCtxOptions = {}) {
	const ctx = mockDeep<IWebhookFunctions>();
	const res = fakeResponse();
	const body = o.body ?? Buffer.alloc(0);
	const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.headers ?? {}) };
	if (o.signature !== null) headers['x-hub-signature-256'] = o.signature ?? signBody(body, APP_SECRET);
	const staticData = o.staticData ?? {};
	const params: Record<string, unknown> = {
		events: ['message'],
		phoneNumberIds: '',
		options: {},
		...(o.params ?? {}),
	};
	const httpCalls: HttpCall[] = [];
	ctx.getResponseObject.mockReturnValue(res as never);
	ctx.getRequestObject.mockReturnValue({ rawBody: body, headers } as never);
	ctx.getWebhookName.mockReturnValue(o.name ?? 'default');
	ctx.getQueryData.mockReturnValue(o.query ?? {});
	ctx.getCredentials.mockResolvedValue((o.credentials ?? CREDENTIALS) as never);
	ctx.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) =>
		name in params ? params[name] : fallback) as never);
	ctx.getWorkflowStaticData.mockReturnValue(staticData as never);
	ctx.getWorkflow.mockReturnValue({ id: o.workflowId ?? 'wf-1', name: 'Clinic inbox', active: true });
	ctx.getNode.mockReturnValue({
		id: 'node-1',
		name: 'WhatsApp Clinic Trigger',
		type: 'n8n-nodes-whatsapp-clinic.whatsAppClinicTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	});
	ctx.getMode.mockReturnValue((o.mode ?? 'webhook') as never);
	ctx.helpers.prepareBinaryData.mockImplementation((async (
		data: Buffer,
		fileName?: string,
		mimeType?: string,
	) => ({
		data: data.toString('base64'),
		fileName,
		mimeType: mimeType ?? 'application/octet-stream',
		fileSize: String(data.length),
	})) as never);
	ctx.helpers.httpRequestWithAuthentication.mockImplementation((async (_cred: string, options: any) => {
		const call: HttpCall = { method: options.method, url: options.url, qs: options.qs, body: options.body };
		httpCalls.push(call);
		const r = o.http
			? o.http(call)
			: { statusCode: 500, body: { error: { message: 'unexpected call', code: 1 } } };
		return {
			statusCode: r.statusCode,
			body: r.body,
			headers: r.headers ?? { 'content-type': 'application/json' },
		};
	}) as never);
	return { ctx, res, staticData, httpCalls, headers };
}

export function hookContext(
	params: Record<string, unknown>,
	http: HttpHandler,
	url = 'https://n8n.clinic.example/webhook/abc/webhook',
) {
	const ctx = mockDeep<IHookFunctions>();
	const httpCalls: HttpCall[] = [];
	ctx.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) =>
		name in params ? params[name] : fallback) as never);
	ctx.getNodeWebhookUrl.mockReturnValue(url);
	ctx.getCredentials.mockResolvedValue(CREDENTIALS as never);
	ctx.getNode.mockReturnValue({
		id: 'node-1',
		name: 'WhatsApp Clinic Trigger',
		type: 't',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	});
	ctx.helpers.httpRequestWithAuthentication.mockImplementation((async (_cred: string, options: any) => {
		const call: HttpCall = { method: options.method, url: options.url, qs: options.qs, body: options.body };
		httpCalls.push(call);
		const r = http(call);
		return {
			statusCode: r.statusCode,
			body: r.body,
			headers: r.headers ?? { 'content-type': 'application/json' },
		};
	}) as never);
	return { ctx, httpCalls };
}
