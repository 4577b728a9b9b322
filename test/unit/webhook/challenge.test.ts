import { answerChallenge, safeEqual } from '../../../core/webhook/challenge';

describe('safeEqual', () => {
	it('compares content and length', () => {
		expect(safeEqual('token', 'token')).toBe(true);
		expect(safeEqual('token', 'tokeN')).toBe(false);
		expect(safeEqual('token', 'token-longer')).toBe(false);
		expect(safeEqual('', '')).toBe(true);
		expect(safeEqual('é', 'e')).toBe(false);
	});
});

describe('answerChallenge', () => {
	const expected = ['clinic', 'verify', '9f2'].join('-');
	const TOKEN = 'hub.' + 'verify_token';
	const q = (o: Record<string, unknown>) => ({
		'hub.mode': 'subscribe',
		[TOKEN]: expected,
		'hub.challenge': '1158201444',
		...o,
	});

	it('echoes the challenge for subscribe + correct token', () => {
		expect(answerChallenge(q({}), expected)).toEqual({
			status: 200,
			contentType: 'text/plain',
			body: '1158201444',
		});
	});

	it('403 for a wrong token, also of different length', () => {
		expect(answerChallenge(q({ [TOKEN]: 'clinic-verify-9f3' }), expected)).toMatchObject({
			status: 403,
			reason: 'wrong_verify_token',
		});
		expect(answerChallenge(q({ [TOKEN]: 'x' }), expected)).toMatchObject({
			status: 403,
			reason: 'wrong_verify_token',
		});
		expect(answerChallenge(q({ [TOKEN]: undefined }), expected)).toMatchObject({
			status: 403,
			reason: 'wrong_verify_token',
		});
	});

	it('403 unless hub.mode is subscribe', () => {
		expect(answerChallenge(q({ 'hub.mode': 'unsubscribe' }), expected)).toMatchObject({
			status: 403,
			reason: 'wrong_mode',
		});
		expect(answerChallenge(q({ 'hub.mode': undefined }), expected)).toMatchObject({
			status: 403,
			reason: 'wrong_mode',
		});
	});

	it('403 without a challenge, and when the credential has no verify token', () => {
		expect(answerChallenge(q({ 'hub.challenge': undefined }), expected)).toMatchObject({
			status: 403,
			reason: 'missing_challenge',
		});
		expect(answerChallenge(q({ [TOKEN]: '' }), '')).toMatchObject({
			status: 403,
			reason: 'missing_verify_token_setting',
		});
	});

	it('treats a whitespace-only verify token setting as missing (fails closed, like an empty one)', () => {
		expect(answerChallenge(q({ [TOKEN]: '   ' }), '   ')).toMatchObject({
			status: 403,
			reason: 'missing_verify_token_setting',
		});
		expect(answerChallenge(q({ [TOKEN]: '\t\n' }), '\t\n')).toMatchObject({ status: 403 });
	});

	it('never echoes the token or the challenge in a refusal', () => {
		const a = answerChallenge(q({ [TOKEN]: 'nope' }), expected);
		expect(a.body).toBe('Forbidden');
	});
});
