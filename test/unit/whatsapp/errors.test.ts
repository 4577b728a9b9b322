import {
	CloudApiError,
	ERROR_CATALOGUE,
	lookupErrorCode,
	networkError,
	parseGraphError,
	parseRetryAfter,
	scrubSecrets,
	type ErrorFamily,
} from '../../../core/whatsapp/errors';
import { metaError, fakeAccessToken } from './helpers';

/** One Meta-shaped error body per catalogue family, as the Graph API returns them. */
const FAMILY_CASES: Array<{
	family: ErrorFamily;
	status: number;
	body: Record<string, unknown>;
	code: number;
	retryable: boolean;
	strategy: string;
	hint: RegExp;
}> = [
	{
		family: 'auth',
		status: 401,
		body: metaError(190, 'Error validating access token: Session has expired on Tuesday.', { subcode: 463 }),
		code: 190,
		retryable: false,
		strategy: 'none',
		hint: /renew the access token/i,
	},
	{
		family: 'permission',
		status: 403,
		body: metaError(10, '(#10) Application does not have permission for this action', {
			details: 'Recipient phone number not in allowed list',
		}),
		code: 10,
		retryable: false,
		strategy: 'none',
		hint: /allowed list|permission/i,
	},
	{
		family: 'permission',
		status: 403,
		body: metaError(294, '(#294) Managing advertisements requires the extended permission'),
		code: 294,
		retryable: false,
		strategy: 'none',
		hint: /permission/i,
	},
	{
		family: 'throttling',
		status: 429,
		body: metaError(130429, '(#130429) Rate limit hit', {
			details: 'Cloud API message throughput has been reached.',
		}),
		code: 130429,
		retryable: true,
		strategy: 'backoff',
		hint: /messages per second/i,
	},
	{
		family: 'pair-limit',
		status: 400,
		body: metaError(131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', {
			details:
				'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
		}),
		code: 131056,
		retryable: true,
		strategy: 'pair-backoff',
		hint: /4\^n seconds/,
	},
	{
		family: 'integrity',
		status: 400,
		body: metaError(368, 'Temporarily blocked for policies violations'),
		code: 368,
		retryable: false,
		strategy: 'none',
		hint: /Account quality/,
	},
	{
		family: 'integrity',
		status: 400,
		body: metaError(131048, '(#131048) Spam rate limit hit'),
		code: 131048,
		retryable: false,
		strategy: 'none',
		hint: /opted in/,
	},
	{
		family: 'send',
		status: 400,
		body: metaError(131026, 'Message Undeliverable.', { details: 'Message Undeliverable.' }),
		code: 131026,
		retryable: false,
		strategy: 'none',
		hint: /on WhatsApp/,
	},
	{
		family: 'template',
		status: 404,
		body: metaError(132001, '(#132001) Template name does not exist in the translation', {
			details: 'template name (appointment_reminder) does not exist in en_US',
		}),
		code: 132001,
		retryable: false,
		strategy: 'none',
		hint: /template name and language code.*WhatsApp Manager/i,
	},
	{
		family: 'template',
		status: 400,
		body: metaError(132012, '(#132012) Parameter format does not match format in the created template', {
			details: 'header: Format mismatch, expected IMAGE, received UNKNOWN',
		}),
		code: 132012,
		retryable: false,
		strategy: 'none',
		hint: /parameters match the template/i,
	},
	{
		family: 'media',
		status: 400,
		body: metaError(131053, '(#131053) Media upload error', {
			details: 'Unsupported Image mime type image/gif.',
		}),
		code: 131053,
		retryable: false,
		strategy: 'none',
		hint: /file type and size/,
	},
	{
		family: 'window',
		status: 400,
		body: metaError(131047, 'Re-engagement message', {
			details:
				'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
		}),
		code: 131047,
		retryable: false,
		strategy: 'none',
		hint: /WhatsApp Send Template/,
	},
	{
		family: 'parameter',
		status: 400,
		body: metaError(100, '(#100) Invalid parameter', { details: 'Param to is not a valid phone number' }),
		code: 100,
		retryable: false,
		strategy: 'none',
		hint: /phone number ID/,
	},
	{
		family: 'parameter',
		status: 400,
		body: metaError(131009, '(#131009) Parameter value is not valid'),
		code: 131009,
		retryable: false,
		strategy: 'none',
		hint: /Correct the field/,
	},
	{
		family: 'server',
		status: 500,
		body: metaError(131000, 'Something went wrong', { details: 'Something went wrong' }),
		code: 131000,
		retryable: true,
		strategy: 'backoff',
		hint: /retries a request with backoff before reporting this error/,
	},
	{
		family: 'server',
		status: 503,
		body: metaError(2, 'Service temporarily unavailable'),
		code: 2,
		retryable: true,
		strategy: 'backoff',
		hint: /retries a request with backoff before reporting this error/,
	},
];

describe('parseGraphError: Meta error bodies for every family', () => {
	it.each(FAMILY_CASES.map((c) => [c.family, c.code, c] as const))('%s (#%d)', (_family, _code, c) => {
		const error = parseGraphError(c.status, c.body, {});
		expect(error).toBeInstanceOf(CloudApiError);
		expect(error).toBeInstanceOf(Error);
		expect(error.code).toBe(c.code);
		expect(error.family).toBe(c.family);
		expect(error.httpStatus).toBe(c.status);
		expect(error.retryable).toBe(c.retryable);
		expect(error.entry.strategy).toBe(c.strategy);
		expect(error.hint).toMatch(c.hint);
		expect(error.fbtraceId).toBe('AbCdEfGhIjK');
		expect(error.message).toContain(`(#${c.code})`);
		const inner = c.body.error as { error_data?: { details: string }; message: string };
		expect(error.message).toContain(inner.error_data?.details ?? inner.message);
	});

	it('covers every family of the catalogue', () => {
		const families = new Set([...ERROR_CATALOGUE.values()].map((e) => e.family));
		for (const family of families) expect(FAMILY_CASES.some((c) => c.family === family)).toBe(true);
	});

	it('reads subcode, type, details, user title and message', () => {
		const error = parseGraphError(400, {
			error: {
				message: 'Invalid parameter',
				type: 'OAuthException',
				code: 100,
				error_subcode: 2494010,
				error_data: { messaging_product: 'whatsapp', details: 'Field to is required' },
				error_user_title: 'Missing recipient',
				error_user_msg: 'Add a phone number',
				fbtrace_id: 'TRACE1',
			},
		});
		expect(error).toMatchObject({
			code: 100,
			subcode: 2494010,
			type: 'OAuthException',
			details: 'Field to is required',
			metaMessage: 'Invalid parameter',
			userTitle: 'Missing recipient',
			userMessage: 'Add a phone number',
			fbtraceId: 'TRACE1',
		});
	});

	it('accepts the body as a JSON string or a Buffer', () => {
		const body = JSON.stringify(metaError(131047, 'Re-engagement message'));
		expect(parseGraphError(400, body).code).toBe(131047);
		expect(parseGraphError(400, Buffer.from(body)).code).toBe(131047);
	});

	it('handles a non-JSON (HTML) 502 from a proxy as a retryable server error', () => {
		const error = parseGraphError(502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
		expect(error.code).toBe('HTTP_502');
		expect(error.family).toBe('server');
		expect(error.retryable).toBe(true);
		expect(error.details).toContain('502 Bad Gateway');
		expect(error.details).not.toContain('<h1>');
	});

	it('handles a 5xx without a body', () => {
		const error = parseGraphError(503, undefined);
		expect(error.retryable).toBe(true);
		expect(error.details).toBe('HTTP 503 with no error body');
	});

	it('falls back on the HTTP status for unknown codes and bodies', () => {
		expect(parseGraphError(401, 'Unauthorized').family).toBe('auth');
		expect(parseGraphError(429, '').retryable).toBe(true);
		expect(parseGraphError(418, 'teapot').retryable).toBe(false);
		const unknown = parseGraphError(400, metaError(999999, 'New error'));
		expect(unknown.code).toBe(999999);
		expect(unknown.retryable).toBe(false);
		expect(parseGraphError(500, metaError(999998, 'boom')).retryable).toBe(true);
	});

	it('uses Retry-After when present', () => {
		expect(parseGraphError(429, metaError(4, 'Too many calls'), { 'Retry-After': '7' }).retryAfterMs).toBe(
			7000,
		);
		expect(
			parseRetryAfter({ 'retry-after': 'Wed, 25 Nov 2026 10:00:10 GMT' }, Date.parse('2026-11-25T10:00:00Z')),
		).toBe(10_000);
		expect(parseRetryAfter({})).toBeUndefined();
	});
});

describe('lookupErrorCode', () => {
	it('maps 200-299 to the permission entry', () => {
		expect(lookupErrorCode(200).family).toBe('permission');
		expect(lookupErrorCode(250).family).toBe('permission');
		expect(lookupErrorCode(299).family).toBe('permission');
		expect(lookupErrorCode(300).family).not.toBe('permission');
	});

	it('has the documented retry decision for every code in the reference table', () => {
		const retryable = [1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057];
		const notRetryable = [
			0, 3, 10, 100, 190, 368, 130472, 131008, 131009, 131026, 131031, 131047, 131048, 131049, 131051, 131052,
			131053, 132000, 132001, 132005, 132007, 132012, 132015,
		];
		for (const code of retryable) expect([code, lookupErrorCode(code).retryable]).toEqual([code, true]);
		for (const code of notRetryable) expect([code, lookupErrorCode(code).retryable]).toEqual([code, false]);
	});

	it('gives every entry a title, a meaning and an action', () => {
		for (const entry of ERROR_CATALOGUE.values()) {
			expect(entry.title.length).toBeGreaterThan(3);
			expect(entry.meaning.length).toBeGreaterThan(10);
			expect(entry.action.length).toBeGreaterThan(10);
			expect(entry.retryable).toBe(entry.strategy !== 'none');
		}
	});
});

describe('networkError', () => {
	it.each([
		['ETIMEDOUT', true],
		['ECONNRESET', true],
		['ECONNREFUSED', false],
		['ENOTFOUND', false],
		['EAI_AGAIN', false],
	])('%s is retryable (may have been sent: %s)', (code, mayHaveBeenSent) => {
		const error = networkError(Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code }));
		expect(error.code).toBe(code);
		expect(error.family).toBe('network');
		expect(error.retryable).toBe(true);
		expect(error.mayHaveBeenSent).toBe(mayHaveBeenSent);
	});

	it('finds the code in a wrapped cause (as n8n wraps axios errors)', () => {
		const wrapped = Object.assign(new Error('The connection to the server was closed unexpectedly'), {
			cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
		});
		expect(networkError(wrapped).code).toBe('ECONNRESET');
		expect(networkError(new Error('socket hang up')).code).toBe('ECONNRESET');
		expect(networkError(new Error('timeout of 30000ms exceeded')).code).toBe('ETIMEDOUT');
	});

	it('does not retry other request failures', () => {
		const error = networkError(new Error('Invalid URL'));
		expect(error.code).toBe('REQUEST_FAILED');
		expect(error.retryable).toBe(false);
		expect(error.mayHaveBeenSent).toBe(false);
	});

	it('never claims the node "retries automatically": hints say what was already done', () => {
		const error = networkError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
		expect(error.hint).not.toMatch(/retries automatically/);
		expect(error.hint).toMatch(/already retried with backoff before this error was reported/);
		for (const entry of ERROR_CATALOGUE.values()) expect(entry.action).not.toMatch(/retries automatically/);
	});

	it('an error answer from Meta was not acted on; only a proxy 502/504 may have been forwarded', () => {
		expect(parseGraphError(400, { error: { code: 131026, message: 'x' } }).mayHaveBeenSent).toBe(false);
		expect(parseGraphError(500, { error: { code: 131000, message: 'x' } }).mayHaveBeenSent).toBe(false);
		expect(parseGraphError(503, '<html>Service Unavailable</html>').mayHaveBeenSent).toBe(false);
		expect(parseGraphError(502, '<html>Bad Gateway</html>').mayHaveBeenSent).toBe(true);
		expect(parseGraphError(504, '').mayHaveBeenSent).toBe(true);
	});
});

describe('secrets never appear in errors', () => {
	const token = fakeAccessToken('errors');

	it('scrubs query tokens, Bearer headers, JSON fields and Meta-looking tokens', () => {
		const text = `GET https://graph.facebook.com/v25.0/1?access_token=${token}&fields=id Authorization: Bearer ${token} {"access_token":"${token}"} raw ${token}`;
		const scrubbed = scrubSecrets(text);
		expect(scrubbed).not.toContain(token);
		expect(scrubbed).toContain('access_token=***');
		expect(scrubbed).toContain('Bearer ***');
		expect(scrubSecrets('my token is s3cr3t-value', ['s3cr3t-value'])).toBe('my token is ***');
	});

	it('scrubs tokens echoed in a Meta error body and in network error messages', () => {
		const error = parseGraphError(
			400,
			metaError(190, `Malformed access token ${token}`, { details: `access_token=${token} is invalid` }),
		);
		for (const text of [
			error.message,
			error.details,
			error.metaMessage,
			error.hint,
			JSON.stringify(error.toJSON()),
		]) {
			expect(text).not.toContain(token);
		}
		const net = networkError(
			new Error(`request to https://x/?access_token=${token} failed, reason: ETIMEDOUT`),
		);
		expect(net.message).not.toContain(token);
		expect(net.code).toBe('ETIMEDOUT');
	});
});
