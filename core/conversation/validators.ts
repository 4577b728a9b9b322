/**
 * Named validators for the answers a conversation asks for. Each takes what the patient typed and returns the
 * value to keep (normalised: trimmed, single-spaced; a date of birth as YYYY-MM-DD; "none" insurance as
 * "Self-pay"), or null when the answer is not valid (the question's retry text is sent and it is asked again).
 * Staff pick a validator by name for each question of the Clinic Conversation node.
 */
export const VALIDATOR_NAMES = ['name', 'date_of_birth', 'insurance', 'email', 'text'] as const;
export type ValidatorName = (typeof VALIDATOR_NAMES)[number];

export interface Validator {
	/** What staff see in the node. */
	label: string;
	description: string;
	/** The built-in text sent when an answer is not valid. */
	retryText: string;
	check(text: string, nowMs: number): string | null;
}

const squash = (text: string) => text.trim().replace(/\s+/g, ' ');

/** First and last name: 3–80 letters, spaces, apostrophes, dots and hyphens, at least two words. */
export function validName(text: string): string | null {
	const t = squash(text);
	if (t.length < 3 || t.length > 80) return null;
	if (!/^[\p{L}' .-]+$/u.test(t) || t.split(' ').filter((w) => /\p{L}/u.test(w)).length < 2) return null;
	return t;
}

/**
 * A date of birth typed DD/MM/YYYY (also with . or -) or YYYY-MM-DD: a real calendar date (no 31/02) of someone
 * 0 to 120 years old. Returned as YYYY-MM-DD.
 */
export function validDateOfBirth(text: string, nowMs: number): string | null {
	const t = text.trim();
	let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
	let [year, month, day] = [0, 0, 0];
	if (m) [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
	else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t)))
		[year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	else return null;
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
		return null;
	const now = new Date(nowMs);
	let age = now.getUTCFullYear() - year;
	if (now.getUTCMonth() + 1 < month || (now.getUTCMonth() + 1 === month && now.getUTCDate() < day)) age -= 1;
	if (date.getTime() > nowMs || age > 120) return null;
	return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** "none" in the three languages (and "particular", "self-pay"): the patient pays themself. */
const SELF_PAY =
	/^(none|no|nao|não|nenhum|particular|self[- ]?pay|ninguno|ninguna|sin seguro|sem convenio|sem convênio)$/i;

/** A health insurance name (2–40 letters, digits, spaces, . & ' -), or "Self-pay" for the words that mean none. */
export function validInsurance(text: string): string | null {
	const t = squash(text);
	if (SELF_PAY.test(t)) return 'Self-pay';
	if (t.length < 2 || t.length > 40 || !/^[\p{L}\p{N} .&'-]+$/u.test(t)) return null;
	return t;
}

/** An e-mail address of the usual shape (something@domain.tld), lower-cased. */
export function validEmail(text: string): string | null {
	const t = text.trim().toLowerCase();
	return t.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(t) ? t : null;
}

/** Any short text (1–200 characters). */
export function validText(text: string): string | null {
	const t = squash(text);
	return t.length >= 1 && t.length <= 200 ? t : null;
}

export const VALIDATORS: Readonly<Record<ValidatorName, Validator>> = {
	name: {
		label: 'Name (First and Last)',
		description: 'At least two words of letters, e.g. Maria Souza',
		retryText: 'retry_name',
		check: validName,
	},
	date_of_birth: {
		label: 'Date of Birth',
		description: 'DD/MM/YYYY or YYYY-MM-DD, a real date, 0 to 120 years ago; kept as YYYY-MM-DD',
		retryText: 'retry_date_of_birth',
		check: validDateOfBirth,
	},
	insurance: {
		label: 'Health Insurance',
		description: 'An insurance name (2–40 characters), or NONE / PARTICULAR / NINGUNO for self-pay',
		retryText: 'retry_insurance',
		check: validInsurance,
	},
	email: {
		label: 'E-Mail Address',
		description: 'Something like maria@example.com',
		retryText: 'retry_email',
		check: validEmail,
	},
	text: {
		label: 'Any Short Text',
		description: '1 to 200 characters',
		retryText: 'retry_text',
		check: validText,
	},
};

export function isValidatorName(value: unknown): value is ValidatorName {
	return typeof value === 'string' && (VALIDATOR_NAMES as readonly string[]).includes(value);
}
