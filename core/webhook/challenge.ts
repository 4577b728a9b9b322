/**
 * Meta's verification handshake: `GET ?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<n>`.
 * Answer 200 with the challenge only for mode `subscribe` and the exact verify token (constant-time compare);
 * anything else is 403. A verify token setting that is empty or only white space counts as missing (fail closed).
 */
import { timingSafeEqual } from 'node:crypto';

/** Constant-time string equality; different lengths are simply unequal (no exception, no early exit on content). */
export function safeEqual(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	if (left.length !== right.length) return false;
	return timingSafeEqual(left, right);
}

export type ChallengeFailure =
	| 'missing_verify_token_setting'
	| 'wrong_mode'
	| 'missing_challenge'
	| 'wrong_verify_token';

export type ChallengeAnswer =
	| { status: 200; contentType: 'text/plain'; body: string }
	| { status: 403; contentType: 'text/plain'; body: string; reason: ChallengeFailure };

const MAX_CHALLENGE_LENGTH = 1024;

function param(query: Record<string, unknown>, key: string): string | undefined {
	const value = query[key];
	if (typeof value === 'string') return value;
	if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
	return undefined;
}

function forbid(reason: ChallengeFailure): ChallengeAnswer {
	return { status: 403, contentType: 'text/plain', body: 'Forbidden', reason };
}

/** `query` is the parsed query string (keys `hub.mode`, `hub.verify_token`, `hub.challenge`). */
export function answerChallenge(
	query: Record<string, unknown>,
	verifyToken: string | undefined | null,
): ChallengeAnswer {
	if (!verifyToken || verifyToken.trim() === '') return forbid('missing_verify_token_setting');
	if (param(query, 'hub.mode') !== 'subscribe') return forbid('wrong_mode');
	const challenge = param(query, 'hub.challenge');
	if (!challenge || challenge.length > MAX_CHALLENGE_LENGTH) return forbid('missing_challenge');
	const given = param(query, 'hub.verify_token') ?? '';
	if (!safeEqual(given, verifyToken)) return forbid('wrong_verify_token');
	return { status: 200, contentType: 'text/plain', body: challenge };
}
