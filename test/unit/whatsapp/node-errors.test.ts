import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { networkError, parseGraphError } from '../../../core/whatsapp/errors';
import { errorItemJson, toNodeError } from '../../../nodes/shared/errors';
import { metaError, fakeAccessToken } from './helpers';

const node: INode = {
	id: 'node-1',
	name: 'WhatsApp Send Message',
	type: 'n8n-nodes-whatsapp-clinic.whatsAppSendMessage',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const TOKEN = fakeAccessToken('nodeerr');

describe('toNodeError', () => {
	it('turns a CloudApiError into a NodeApiError with title, code, action and trace id', () => {
		const cloud = parseGraphError(
			400,
			metaError(131047, 'Re-engagement message', {
				details:
					'Message failed to send because more than 24 hours have passed since the customer last replied.',
				fbtrace_id: 'TRACE42',
			}),
		);
		const error = toNodeError(node, cloud, 3);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Outside the 24-hour window (#131047)');
		expect(error.description).toContain('more than 24 hours');
		expect(error.description).toContain('What to do: Use WhatsApp Send Template');
		expect(error.description).toContain('Meta trace ID: TRACE42');
		expect((error as NodeApiError).httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(3);
	});

	it('names the token-renewal action for 190 and never shows the token', () => {
		const cloud = parseGraphError(
			401,
			metaError(190, `Invalid OAuth access token - Cannot parse access token ${TOKEN}`),
		);
		const error = toNodeError(node, cloud, 0);
		expect(error.description).toMatch(/Renew the access token/);
		expect(`${error.message} ${error.description} ${JSON.stringify(error.toJSON?.() ?? {})}`).not.toContain(
			TOKEN,
		);
	});

	it('wraps network errors as NodeApiError and other errors as NodeOperationError', () => {
		const net = toNodeError(
			node,
			networkError(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
			1,
		);
		expect(net).toBeInstanceOf(NodeApiError);
		expect(net.message).toBe('Request timed out');
		expect(net.description).toContain('(code ETIMEDOUT)');
		expect(net.description).toMatch(/already retried with backoff/);
		const plain = toNodeError(node, new Error(`Phone number ID is empty; Bearer ${TOKEN}`), 2);
		expect(plain).toBeInstanceOf(NodeOperationError);
		expect(plain.message).not.toContain(TOKEN);
		expect(plain.context.itemIndex).toBe(2);
	});

	it('passes n8n errors through, filling in a missing item index', () => {
		const original = new NodeOperationError(node, 'bad input');
		expect(toNodeError(node, original, 5)).toBe(original);
		expect(original.context.itemIndex).toBe(5);
	});
});

describe('errorItemJson', () => {
	it('gives code, title, message, hint and trace id for continue-on-fail items', () => {
		const cloud = parseGraphError(
			404,
			metaError(132001, 'Template name does not exist in the translation', { fbtrace_id: 'T1' }),
		);
		expect(errorItemJson(cloud)).toEqual({
			error: {
				code: 132001,
				title: 'Template does not exist',
				message: expect.stringContaining('(#132001)'),
				hint: expect.stringMatching(/WhatsApp Manager/),
				fbtraceId: 'T1',
				retryable: false,
				description: expect.stringContaining('What to do:'),
				field: null,
			},
		});
		expect(errorItemJson(new Error(`access_token=${TOKEN}`)).error.message).toBe('access_token=***');
	});

	it('has the same keys for every error (one error-item shape), absent values null', () => {
		const keys = ['code', 'description', 'field', 'hint', 'message', 'retryable', 'title'];
		const plain = errorItemJson(new Error('boom')).error;
		expect(Object.keys(plain).sort()).toEqual(keys);
		expect(plain).toMatchObject({ message: 'boom', code: null, field: null, hint: null, retryable: null });
		const cloud = errorItemJson(parseGraphError(400, metaError(131009, 'bad'))).error;
		for (const key of keys) expect(cloud).toHaveProperty(key);
	});
});
