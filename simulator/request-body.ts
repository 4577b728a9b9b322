/**
 * Request bodies of the simulator's group and calling routes: a JSON object (Graph routes may have none), and the
 * person a control request acts as (`from` phone digits or `userId` BSUID, with an optional profile `name`).
 */
import type { SimContext } from './context';
import { Errors } from './errors';
import { isRecord, parseJson } from './http-util';
import type { SimUser } from './state';
import { BSUID_PATTERN } from './state';

export function jsonObject(body: Buffer, allowEmpty = false): Record<string, unknown> {
	if (allowEmpty && !body.length) return {};
	let parsed: unknown;
	try {
		parsed = parseJson(body);
	} catch {
		throw Errors.invalidParameter('The request body is not valid JSON.');
	}
	if (!isRecord(parsed)) throw Errors.invalidParameter('The request body must be a JSON object.');
	return parsed;
}

/** The patient a control request names (created on first sight, like POST /_sim/inbound). */
export function personOf(ctx: SimContext, b: Record<string, unknown>): SimUser {
	const from = typeof b.from === 'string' ? b.from.replace(/[\s\-().+]/g, '') : undefined;
	const userId = typeof b.userId === 'string' ? b.userId.trim() : undefined;
	if (from && !/^\d{7,15}$/.test(from))
		throw Errors.invalidParameter('from must be a phone number with 7 to 15 digits');
	if (userId && !BSUID_PATTERN.test(userId))
		throw Errors.invalidParameter('userId must look like BR.1234567890');
	if (!from && !userId) throw Errors.requiredParameter('from or userId');
	return ctx.state.upsertUser({
		waId: from,
		userId,
		name: typeof b.name === 'string' && b.name ? b.name : undefined,
	}).user;
}
