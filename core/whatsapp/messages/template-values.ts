/**
 * Matching the values given for a template to its parameters (template-parameters.ts): loose keys ("1",
 * "{{first_name}}", "header_1") are resolved to parameter keys, unknown or doubled keys and variable formats are
 * errors naming the key and what the template takes, and plain values are read as text.
 */
import type { TemplateVariableFormat } from './template-variables';
import type { TemplateDefinition, TemplateParameter } from './template-parameters';
import { MessageValidationError } from './validation';

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function asText(param: TemplateParameter, value: unknown, templateName: string): string {
	if (typeof value === 'number' || typeof value === 'bigint') return String(value);
	if (value instanceof Date) return value.toISOString();
	if (typeof value !== 'string')
		throw new MessageValidationError(
			param.label,
			`must be text but is ${describeType(value)}`,
			param.kind === 'text'
				? `Map a text value for ${param.placeholder ?? param.label} of template "${templateName}" (e.g. {{ $json.name }} rather than the whole object), or money as {"currency": "BRL", "amount": 150.5} or a date as {"date_time": "2026-03-12T09:30:00-03:00"}.`
				: `Map a text value for ${param.placeholder ?? param.label} of template "${templateName}" (e.g. {{ $json.name }} rather than the whole object).`,
		);
	return value;
}

/** The parameter a loose key ("1", "{{1}}", "first_name", "header_1") points at, if any. */
function findParam(params: TemplateParameter[], rawKey: string): TemplateParameter | undefined {
	const key = rawKey.trim();
	const exact = params.find((p) => p.key === key);
	if (exact) return exact;
	const bare = key.replace(/^\{\{\s*|\s*\}\}$/g, '');
	const matches = params.filter((p) => p.kind === 'text' && p.placeholder === `{{${bare}}}`);
	if (matches.length > 1)
		throw new MessageValidationError(
			`"${rawKey}"`,
			`matches both ${matches.map((m) => m.label).join(' and ')}`,
			`Use the full key (${matches.map((m) => m.key).join(' or ')}).`,
		);
	return matches[0];
}

/** Variable formats keyed by parameter key; unknown keys and non-variables are errors. */
export function resolveFormats(
	def: TemplateDefinition,
	params: TemplateParameter[],
	formats: Record<string, TemplateVariableFormat> | undefined,
): Map<string, TemplateVariableFormat> {
	const resolved = new Map<string, TemplateVariableFormat>();
	const variables = params.filter((p) => p.kind === 'text').map((p) => p.key);
	for (const [rawKey, format] of Object.entries(formats ?? {})) {
		const target = findParam(params, rawKey);
		if (!target || target.kind !== 'text')
			throw new MessageValidationError(
				`Variable format for "${rawKey}"`,
				target
					? `points at ${target.label}, which is not a text variable`
					: `does not match a variable of template "${def.name}" (${def.language})`,
				variables.length
					? `Pick one of: ${variables.join(', ')}.`
					: 'Remove it; this template has no header or body variables.',
			);
		if (resolved.has(target.key))
			throw new MessageValidationError(
				`Variable format for ${target.label}`,
				'is given twice',
				`Keep one format for ${target.key}.`,
			);
		resolved.set(target.key, format);
	}
	return resolved;
}

/**
 * Maps loose value keys ("1", "{{1}}", "first_name", "header_1") onto parameter keys. Unknown keys are reported
 * as extra parameters.
 */
export function resolveValues(
	def: TemplateDefinition,
	params: TemplateParameter[],
	values: Record<string, unknown>,
): Map<string, unknown> {
	const resolved = new Map<string, unknown>();
	for (const [rawKey, value] of Object.entries(values)) {
		const target = findParam(params, rawKey);
		if (!target) {
			if (isBlank(value)) continue;
			const known = params.map((p) => p.key);
			throw new MessageValidationError(
				`parameter "${rawKey}"`,
				`is not in template "${def.name}" (${def.language})`,
				known.length
					? `Remove it; this template takes: ${known.join(', ')}. If the template changed, refresh the parameter list.`
					: 'Remove it; this template takes no parameters.',
			);
		}
		if (resolved.has(target.key) && !isBlank(resolved.get(target.key)) && !isBlank(value))
			throw new MessageValidationError(target.label, 'is given twice', `Give ${target.key} only once.`);
		if (!resolved.has(target.key) || !isBlank(value)) resolved.set(target.key, value);
	}
	return resolved;
}
