/**
 * Validation errors for outgoing WhatsApp messages. Every error names the offending field (Meta's JSON path, e.g.
 * `action.sections[0].rows[2].title`, or a template placeholder such as `body {{first_name}}`) and says how to fix
 * it. Builders throw these BEFORE any request is made, so a bad item never half-sends.
 */
import { ClinicError } from '../../errors';
import { z } from 'zod';

export class MessageValidationError extends ClinicError {
	override readonly name = 'MessageValidationError';
	/** The field (or placeholder) that is wrong, in Meta's vocabulary. */
	declare readonly field: string;

	constructor(
		field: string,
		/** What is wrong, e.g. "is 31 characters; WhatsApp allows at most 20". */
		readonly problem: string,
		/** What the user should do about it. */
		readonly fix: string,
	) {
		super(`${field} ${problem}. ${fix}`, { code: 'invalid_message', field, hint: fix, kind: 'input' });
	}
}

/** Renders a zod issue path as `a.b[0].c`. */
/** A JSON-like object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function formatPath(prefix: string, path: ReadonlyArray<string | number>): string {
	let out = prefix;
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${part}` : part;
	}
	return out || '(message)';
}

function describeIssue(issue: z.ZodIssue): { problem: string; fix: string } {
	switch (issue.code) {
		case 'too_big':
			if (issue.type === 'string')
				return {
					problem: `is longer than ${String(issue.maximum)} characters`,
					fix: `Shorten it to at most ${String(issue.maximum)} characters (WhatsApp's limit).`,
				};
			if (issue.type === 'array')
				return {
					problem: `has more than ${String(issue.maximum)} entries`,
					fix: `Keep at most ${String(issue.maximum)} (WhatsApp's limit).`,
				};
			return {
				problem: `is above ${String(issue.maximum)}`,
				fix: `Use a value of at most ${String(issue.maximum)}.`,
			};
		case 'too_small':
			if (issue.type === 'string')
				return { problem: 'is empty', fix: 'Fill it in; WhatsApp rejects empty values here.' };
			if (issue.type === 'array')
				return {
					problem: `needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}`,
					fix: `Add at least ${String(issue.minimum)}.`,
				};
			return {
				problem: `is below ${String(issue.minimum)}`,
				fix: `Use a value of at least ${String(issue.minimum)}.`,
			};
		case 'invalid_type':
			if (issue.received === 'undefined' || issue.received === 'null')
				return { problem: 'is missing', fix: 'Fill it in; it is required.' };
			return {
				problem: `must be a ${issue.expected} but is a ${issue.received}`,
				fix: `Give a ${issue.expected} value.`,
			};
		case 'unrecognized_keys':
			return {
				problem: `has unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
				fix: 'Remove them; WhatsApp rejects unknown fields.',
			};
		default: {
			const [problem, fix] = issue.message.split(' | ');
			return { problem, fix: fix ?? 'Correct the value.' };
		}
	}
}

/**
 * Parses `input` with `schema`; on failure throws a MessageValidationError for the FIRST issue, naming its path.
 * Custom refinements should use the message form `"<problem> | <fix>"`.
 */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, input: unknown, prefix = ''): z.output<S> {
	const result = schema.safeParse(input);
	if (result.success) return result.data as z.output<S>;
	const issue = result.error.issues[0];
	const { problem, fix } = describeIssue(issue);
	throw new MessageValidationError(formatPath(prefix, issue.path), problem, fix);
}

/** `"<problem> | <fix>"`, the message format understood by {@link parseOrThrow} for custom issues. */
export function issue(problem: string, fix: string): string {
	return `${problem} | ${fix}`;
}

/** A WhatsApp message ID field (`wamid.…`, e.g. what a reaction or read receipt refers to); `fix` says where to find one. */
export function messageIdSchema(fix: string) {
	return z
		.string()
		.trim()
		.min(1)
		.refine((v) => v.startsWith('wamid.'), { message: issue('is not a WhatsApp message id (wamid.…)', fix) });
}

const NOT_JSON = Symbol('not-json');

/** JSON.parse that throws a MessageValidationError naming `field` (and never echoes the text). */
export function parseJsonOrThrow(text: string, field: string, fix: string): unknown {
	let parsed: unknown = NOT_JSON;
	try {
		parsed = JSON.parse(text) as unknown;
	} catch {
		parsed = NOT_JSON;
	}
	if (parsed === NOT_JSON) throw new MessageValidationError(field, 'is not valid JSON', fix);
	return parsed;
}
