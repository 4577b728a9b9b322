/**
 * Money template variables: Meta's `currency` parameter from `{ "currency": "BRL", "amount": 150.5 }` (or
 * `amount_1000`, or a plain amount with a Currency variable format), with the fallback text written in the
 * template's language ("R$ 150,50"). Amounts typed by people ("150,50", "1.234,56", "R$ 150,50") are parsed with the
 * template language's thousands separator.
 */
import {
	checkFallback,
	checkKeys,
	fail,
	show,
	type TemplateVariableFormat,
	type TypedTemplateParameter,
} from './typed-values';

const CURRENCY_KEYS = ['type', 'currency', 'code', 'amount', 'amount_1000', 'fallback_value'];
export const CURRENCY_EXAMPLE = '{"currency": "BRL", "amount": 150.5}';

/** Thousands separator of a locale ("." in pt-BR, "," in en-US). */
function groupSeparator(locale: string): string {
	const part = new Intl.NumberFormat(locale, { useGrouping: true })
		.formatToParts(1234567.5)
		.find((p) => p.type === 'group');
	return part?.value ?? ',';
}

/**
 * A money amount written by a person: "150.50", "150,50", "1.234,56", "1,234.56", "R$ 150,50", "-20". A single
 * separator followed by exactly three digits ("1.234") is read the way the template's language writes thousands.
 * Returns undefined when it is not a number.
 */
export function parseAmount(text: string, locale = 'en-US'): number | undefined {
	let s = text.replace(/[\s\u00a0\u202f]/g, '');
	// Currency signs or codes around the number ("R$150,50", "150.50 EUR").
	s = s.replace(/^[^\d\-+.,]+/, '').replace(/[^\d.,]+$/, '');
	const sign = /^[-+]/.test(s) ? s[0] : '';
	s = s.replace(/^[-+]/, '').replace(/^[^\d.,]+/, '');
	if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return undefined;
	const dots = (s.match(/\./g) ?? []).length;
	const commas = (s.match(/,/g) ?? []).length;
	let decimal: string | undefined;
	if (dots && commas) decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
	else if (dots + commas === 1) {
		const sep = dots ? '.' : ',';
		const after = s.length - s.indexOf(sep) - 1;
		decimal = after === 3 && groupSeparator(locale) === sep ? undefined : sep;
	} else decimal = undefined; // "1.234.567" / "1,234,567": only thousands separators
	const group = decimal === '.' ? ',' : decimal === ',' ? '.' : dots ? '.' : ',';
	const [int, frac, extra] = s
		.split(group)
		.join('')
		.split(decimal ?? '\u0000');
	if (
		extra !== undefined ||
		(int === '' && frac === undefined) ||
		(frac !== undefined && !/^\d+$/.test(frac))
	)
		return undefined;
	// Grouped digits come in threes ("1.234,5" fine, "12.34,5" is a typo).
	if (s.includes(group) && !new RegExp(`^\\d{1,3}(\\${group}\\d{3})*$`).test(s.split(decimal ?? '\u0000')[0]))
		return undefined;
	const n = Number(`${sign}${int}${frac !== undefined ? `.${frac}` : ''}`);
	return Number.isFinite(n) ? n : undefined;
}

let currencies: Set<string> | undefined;
/** ISO 4217 codes this runtime's Intl knows (computed once). */
function knownCurrencies(): Set<string> {
	currencies ??= new Set(Intl.supportedValuesOf('currency'));
	return currencies;
}

export function currencyParameter(
	label: string,
	raw: Record<string, unknown>,
	locale: string,
	format?: TemplateVariableFormat,
): TypedTemplateParameter {
	checkKeys(label, raw, CURRENCY_KEYS, CURRENCY_EXAMPLE);
	const given = [raw.currency, raw.code].filter((c) => c !== undefined && c !== null && c !== '');
	for (const c of given)
		if (typeof c !== 'string')
			fail(label, `has a currency code that is not text (${show(c)})`, 'Give a 3-letter code such as "BRL".');
	const codes = [...new Set((given as string[]).map((c) => c.trim().toUpperCase()))];
	if (codes.length > 1)
		fail(
			label,
			`has two different currency codes (${codes.join(' and ')})`,
			'Give the code once, as "currency" or "code".',
		);
	const code = codes[0] ?? (format?.type === 'currency' ? format.code?.trim().toUpperCase() : undefined);
	if (!code)
		fail(
			label,
			'has an amount but no currency code',
			`Add the 3-letter ISO 4217 code, e.g. ${CURRENCY_EXAMPLE}.`,
		);
	if (!/^[A-Z]{3}$/.test(code) || !knownCurrencies().has(code))
		fail(
			label,
			`has currency code "${code}", which is not an ISO 4217 currency`,
			'Use a 3-letter code such as BRL (Brazilian real), USD, EUR or MXN.',
		);

	const hasAmount = raw.amount !== undefined && raw.amount !== null && raw.amount !== '';
	const hasAmount1000 = raw.amount_1000 !== undefined && raw.amount_1000 !== null && raw.amount_1000 !== '';
	if (hasAmount && hasAmount1000)
		fail(
			label,
			'has both amount and amount_1000',
			'Give only one: amount (e.g. 150.5) or amount_1000 (the amount × 1000, e.g. 150500).',
		);
	if (!hasAmount && !hasAmount1000)
		fail(label, 'has a currency but no amount', `Add the amount, e.g. ${CURRENCY_EXAMPLE}.`);
	let amount1000: number;
	if (hasAmount) {
		const a = raw.amount;
		const n = typeof a === 'number' ? a : typeof a === 'string' ? parseAmount(a, locale) : undefined;
		if (n === undefined || !Number.isFinite(n))
			fail(
				label,
				`has amount ${show(a)}, which is not a number`,
				'Give a number such as 150.50 or 150,50 (no other text).',
			);
		amount1000 = Math.round(n * 1000);
	} else {
		const a = raw.amount_1000;
		const n = typeof a === 'number' ? a : typeof a === 'string' && /^\s*-?\d+\s*$/.test(a) ? Number(a) : NaN;
		if (!Number.isInteger(n))
			fail(
				label,
				`has amount_1000 ${show(a)}, which is not a whole number`,
				'amount_1000 is the amount × 1000 as a whole number (R$ 150,50 → 150500); or give "amount": 150.5 instead.',
			);
		amount1000 = n;
	}
	if (!Number.isSafeInteger(amount1000))
		fail(label, 'has an amount that is too large', 'Check the value; it must be below 9 trillion.');
	const fallback =
		checkFallback(label, raw.fallback_value) ??
		new Intl.NumberFormat(locale, { style: 'currency', currency: code })
			.format(amount1000 / 1000)
			.replace(/\u202f/g, ' ');
	return { type: 'currency', currency: { fallback_value: fallback, code, amount_1000: amount1000 } };
}
