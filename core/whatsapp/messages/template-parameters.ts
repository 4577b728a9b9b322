/**
 * Template messages (`type: "template"`). Turns a template definition (as `GET /<WABA_ID>/message_templates`
 * returns it) into a parameter model — one entry per thing the sender must (or may) fill in — and builds Meta's
 * `template.components` from values keyed by that model, validating everything first:
 *
 * - body/header variables, positional `{{1}}` or named `{{first_name}}` (sent with `parameter_name`): plain text,
 *   or typed money / dates sent as Meta's `currency` / `date_time` with a fallback written in the template's
 *   language (see template-variables.ts; `options.formats` types variables given as plain text or numbers);
 * - header media IMAGE / VIDEO / DOCUMENT (link or media id, document filename) and LOCATION;
 * - buttons: QUICK_REPLY payload (optional), dynamic URL suffix, COPY_CODE coupon, FLOW token (optional), OTP code.
 *
 * Errors name the placeholder (`body {{first_name}}`) and the fix. Value keys are the parameter `key`s below
 * (`body_1`, `body_first_name`, `header_1`, `header_media`, `header_location`, `button_0_payload`,
 * `button_1_url_suffix`, `button_2_coupon_code`, `button_3_flow_token`, `button_0_otp_code`); bare names such as
 * `"1"`, `"{{first_name}}"` or `"first_name"` are accepted when they point at exactly one parameter.
 */
import { parseLocation } from './location';
import { mediaRefFromValue } from './media';
import type { MessageContent } from './request';
import { isTypedValue, typedParameter, type TemplateVariableFormat } from './template-variables';
import { MessageValidationError, parseJsonOrThrow } from './validation';

export interface TemplateButtonDefinition {
	type: string;
	text?: string;
	url?: string;
	example?: string[] | string;
	otp_type?: string;
	flow_id?: string | number;
	[key: string]: unknown;
}

export interface TemplateComponentDefinition {
	type: string;
	format?: string;
	text?: string;
	buttons?: TemplateButtonDefinition[];
	example?: {
		header_text?: string[];
		header_text_named_params?: Array<{ param_name: string; example: string }>;
		header_handle?: string[];
		body_text?: string[][];
		body_text_named_params?: Array<{ param_name: string; example: string }>;
	};
	[key: string]: unknown;
}

/** A message template as the WABA's template list returns it. */
export interface TemplateDefinition {
	id?: string;
	name: string;
	language: string;
	status?: string;
	category?: string;
	parameter_format?: string;
	components?: TemplateComponentDefinition[];
}

export type TemplateParameterKind =
	| 'text'
	| 'image'
	| 'video'
	| 'document'
	| 'location'
	| 'payload'
	| 'url_suffix'
	| 'coupon_code'
	| 'flow_token'
	| 'otp_code';

export interface TemplateParameter {
	/** Stable value key (also the resource-mapper field id). */
	key: string;
	component: 'header' | 'body' | 'button';
	kind: TemplateParameterKind;
	/** How the error messages and the UI call it: `body {{1}}`, `header IMAGE`, `button 2 ("Track") URL suffix`. */
	label: string;
	/** For text variables: `{{1}}` / `{{first_name}}`. */
	placeholder?: string;
	/** Named variable name (NAMED templates). */
	name?: string;
	/** Button position (0-based, Meta's `index`). */
	buttonIndex?: number;
	required: boolean;
	example?: string;
	/** One-line help shown next to the field. */
	hint: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const MAX_COUPON = 15;
const MAX_OTP = 15;

function placeholders(text: string | undefined): string[] {
	const seen: string[] = [];
	for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (!seen.includes(m[1])) seen.push(m[1]);
	// Positional variables are sent in number order, whatever order the text uses them in.
	return seen.every((n) => /^[0-9]+$/.test(n)) ? seen.sort((a, b) => Number(a) - Number(b)) : seen;
}

function upper(value: unknown): string {
	return typeof value === 'string' ? value.toUpperCase() : '';
}

/** `pt_BR` / `en_US`: Meta language codes. */
export function templateKey(name: string, language: string): string {
	return `${name}|${language}`;
}

function textParameters(
	component: 'header' | 'body',
	text: string | undefined,
	examples: { positional?: string[]; named?: Array<{ param_name: string; example: string }> },
): TemplateParameter[] {
	return placeholders(text).map((name, position) => {
		const positional = /^[0-9]+$/.test(name);
		const example = positional
			? examples.positional?.[Number(name) - 1]
			: examples.named?.find((n) => n.param_name === name)?.example;
		const placeholder = `{{${name}}}`;
		return {
			key: `${component}_${name}`,
			component,
			kind: 'text' as const,
			label: `${component} ${placeholder}`,
			placeholder,
			name: positional ? undefined : name,
			required: true,
			example: example ?? examples.positional?.[position],
			hint: `Text for ${placeholder} in the ${component}${example ? ` (approved example: "${example}")` : ''}.`,
		};
	});
}

/** The parameter model of a template: what the sender must (required) or may fill in. */
export function templateParameters(def: TemplateDefinition): TemplateParameter[] {
	const params: TemplateParameter[] = [];
	const components = def.components ?? [];
	const header = components.find((c) => upper(c.type) === 'HEADER');
	if (header) {
		const format = upper(header.format) || 'TEXT';
		if (format === 'TEXT') {
			params.push(
				...textParameters('header', header.text, {
					positional: header.example?.header_text,
					named: header.example?.header_text_named_params,
				}),
			);
		} else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
			const kind = format.toLowerCase() as 'image' | 'video' | 'document';
			params.push({
				key: 'header_media',
				component: 'header',
				kind,
				label: `header ${format}`,
				required: true,
				hint: `The ${kind} shown above the message: a public https:// link or a WhatsApp media ID${kind === 'document' ? ' (the file name comes from the File Name option)' : ''}.`,
			});
		} else if (format === 'LOCATION') {
			params.push({
				key: 'header_location',
				component: 'header',
				kind: 'location',
				label: 'header LOCATION',
				required: true,
				hint: 'The map pin shown above the message: {"latitude": -23.56, "longitude": -46.65, "name": "Clinic", "address": "…"}.',
			});
		}
	}
	const body = components.find((c) => upper(c.type) === 'BODY');
	if (body) {
		const rows = body.example?.body_text;
		params.push(
			...textParameters('body', body.text, {
				positional: Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0] : undefined,
				named: body.example?.body_text_named_params,
			}),
		);
	}
	const buttons = components.find((c) => upper(c.type) === 'BUTTONS')?.buttons ?? [];
	buttons.forEach((button, index) => {
		const type = upper(button.type);
		const title = button.text ? ` ("${button.text}")` : '';
		const base = { component: 'button' as const, buttonIndex: index };
		if (type === 'QUICK_REPLY')
			params.push({
				...base,
				key: `button_${index}_payload`,
				kind: 'payload',
				label: `button ${index + 1}${title} payload`,
				required: false,
				hint: `What the trigger receives when the patient taps "${button.text ?? 'this button'}" (e.g. confirm:APPT-123). Empty = the button text.`,
			});
		else if (type === 'URL' && placeholders(button.url).length > 0)
			params.push({
				...base,
				key: `button_${index}_url_suffix`,
				kind: 'url_suffix',
				label: `button ${index + 1}${title} URL suffix`,
				required: true,
				example: Array.isArray(button.example) ? button.example[0] : button.example,
				hint: `Replaces {{1}} at the end of ${button.url ?? 'the button URL'}.`,
			});
		else if (type === 'COPY_CODE')
			params.push({
				...base,
				key: `button_${index}_coupon_code`,
				kind: 'coupon_code',
				label: `button ${index + 1}${title} code`,
				required: true,
				hint: `The code copied when the patient taps the button (at most ${MAX_COUPON} characters).`,
			});
		else if (type === 'FLOW')
			params.push({
				...base,
				key: `button_${index}_flow_token`,
				kind: 'flow_token',
				label: `button ${index + 1}${title} flow token`,
				required: false,
				hint: 'Token sent back with the Flow’s answers (e.g. the appointment id). Empty = "unused".',
			});
		else if (type === 'OTP')
			params.push({
				...base,
				key: `button_${index}_otp_code`,
				kind: 'otp_code',
				label: `button ${index + 1}${title} one-time code`,
				required: true,
				hint: `The one-time code (at most ${MAX_OTP} characters). Empty = the value of body {{1}}.`,
			});
	});
	return params;
}

export interface TemplateBuildOptions {
	/** Filename for a DOCUMENT header. */
	documentFilename?: string;
	/**
	 * Send these header/body variables as money or dates, keyed like the values (`body_2`, `"2"`, `first_name`):
	 * a plain text / number value is then read as an amount or a date.
	 */
	formats?: Record<string, TemplateVariableFormat>;
	/** Time zone for dates that carry none (JS Date, epoch, ISO without offset), e.g. America/Sao_Paulo. Default UTC. */
	timezone?: string;
}

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function asText(param: TemplateParameter, value: unknown, templateName: string): string {
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

function checkBodyText(param: TemplateParameter, text: string): void {
	if (/[\n\t]/.test(text) || / {5,}/.test(text))
		throw new MessageValidationError(
			param.label,
			'contains a line break, a tab or more than 4 spaces in a row',
			'WhatsApp rejects those inside template variables; put them on one line (replace line breaks with ", ").',
		);
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
function resolveFormats(
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
function resolveValues(
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

/**
 * Validates `values` against the template and returns Meta's `template.components`. Throws a
 * MessageValidationError naming the placeholder for missing / extra / wrongly-typed values and missing media.
 */
export function buildTemplateComponents(
	def: TemplateDefinition,
	values: Record<string, unknown>,
	options: TemplateBuildOptions = {},
): Array<Record<string, unknown>> {
	const params = templateParameters(def);
	const resolved = resolveValues(def, params, values ?? {});
	const formats = resolveFormats(def, params, options.formats);
	const header: Array<Record<string, unknown>> = [];
	const body: Array<Record<string, unknown>> = [];
	const buttons = new Map<number, Record<string, unknown>>();

	for (const param of params) {
		let value = resolved.get(param.key);
		if (isBlank(value) && param.kind === 'otp_code') value = resolved.get('body_1');
		if (isBlank(value)) {
			if (!param.required) continue;
			throw new MessageValidationError(param.label, 'is missing', missingFix(def, param));
		}
		switch (param.kind) {
			case 'text': {
				const format = formats.get(param.key);
				let p: Record<string, unknown>;
				let text: string;
				if (format || isTypedValue(value)) {
					const typed = typedParameter(value, {
						label: param.label,
						language: def.language,
						defaultTimezone: options.timezone,
						format,
					});
					text = typed.type === 'currency' ? typed.currency.fallback_value : typed.date_time.fallback_value;
					p = { ...typed };
				} else {
					text = asText(param, value, def.name);
					p = { type: 'text', text };
				}
				if (param.component === 'body') checkBodyText(param, text);
				if (param.component === 'header' && text.length > 60)
					throw new MessageValidationError(
						param.label,
						`is ${text.length} characters${p.type === 'text' ? '' : ` ("${text}")`}`,
						p.type === 'text'
							? 'A header is at most 60 characters in total; shorten the value.'
							: 'A header is at most 60 characters in total; give a shorter fallback_value or a shorter date style.',
					);
				if (param.name) p.parameter_name = param.name;
				(param.component === 'header' ? header : body).push(p);
				break;
			}
			case 'image':
			case 'video':
			case 'document': {
				const ref = mediaRefFromValue(value, param.label);
				const media: Record<string, unknown> = 'link' in ref ? { link: ref.link } : { id: ref.id };
				const filename = ref.filename ?? options.documentFilename?.trim();
				if (param.kind === 'document' && filename) media.filename = filename;
				header.push({ type: param.kind, [param.kind]: media });
				break;
			}
			case 'location': {
				let loc = value;
				if (typeof loc === 'string') {
					loc = parseJsonOrThrow(
						loc,
						param.label,
						'Give {"latitude": …, "longitude": …, "name": …, "address": …}.',
					);
				}
				header.push({ type: 'location', location: parseLocation(loc, param.label) });
				break;
			}
			case 'payload':
				buttons.set(param.buttonIndex!, {
					type: 'button',
					sub_type: 'quick_reply',
					index: String(param.buttonIndex),
					parameters: [{ type: 'payload', payload: asText(param, value, def.name) }],
				});
				break;
			case 'url_suffix':
				buttons.set(param.buttonIndex!, {
					type: 'button',
					sub_type: 'url',
					index: String(param.buttonIndex),
					parameters: [{ type: 'text', text: asText(param, value, def.name) }],
				});
				break;
			case 'coupon_code':
			case 'otp_code': {
				const code = asText(param, value, def.name);
				const max = param.kind === 'coupon_code' ? MAX_COUPON : MAX_OTP;
				if (code.length > max)
					throw new MessageValidationError(
						param.label,
						`is ${code.length} characters`,
						`Use at most ${max} characters.`,
					);
				buttons.set(
					param.buttonIndex!,
					param.kind === 'coupon_code'
						? {
								type: 'button',
								sub_type: 'copy_code',
								index: String(param.buttonIndex),
								parameters: [{ type: 'coupon_code', coupon_code: code }],
							}
						: {
								type: 'button',
								sub_type: 'url',
								index: String(param.buttonIndex),
								parameters: [{ type: 'text', text: code }],
							},
				);
				break;
			}
			case 'flow_token':
				buttons.set(param.buttonIndex!, {
					type: 'button',
					sub_type: 'flow',
					index: String(param.buttonIndex),
					parameters: [{ type: 'action', action: { flow_token: asText(param, value, def.name) } }],
				});
				break;
		}
	}

	const components: Array<Record<string, unknown>> = [];
	if (header.length) components.push({ type: 'header', parameters: header });
	if (body.length) components.push({ type: 'body', parameters: body });
	for (const index of [...buttons.keys()].sort((a, b) => a - b)) components.push(buttons.get(index)!);
	return components;
}

function missingFix(def: TemplateDefinition, param: TemplateParameter): string {
	switch (param.kind) {
		case 'image':
		case 'video':
		case 'document':
			return `Template "${def.name}" has a ${param.kind} header: give a public https:// link, a WhatsApp media ID, or a binary property to upload (WhatsApp rejects it otherwise with 132012 "format mismatch").`;
		case 'location':
			return `Template "${def.name}" has a location header: give {"latitude": …, "longitude": …}.`;
		case 'url_suffix':
			return `The button's URL ends in {{1}}; give the part that replaces it${param.example ? ` (approved example: "${param.example}")` : ''}.`;
		default:
			return `Map a value for ${param.placeholder ?? param.label} (field "${param.key}")${param.example ? `, e.g. "${param.example}"` : ''}; template "${def.name}" needs every variable filled.`;
	}
}

/** The complete message content for a template. */
export function buildTemplate(
	def: TemplateDefinition,
	values: Record<string, unknown>,
	options: TemplateBuildOptions = {},
): MessageContent {
	if (!def.name?.trim())
		throw new MessageValidationError(
			'template.name',
			'is missing',
			'Pick a template from the list or type its name.',
		);
	if (!def.language?.trim())
		throw new MessageValidationError(
			'template.language.code',
			'is missing',
			'Give the template language code exactly as approved, e.g. pt_BR or en_US.',
		);
	const components = buildTemplateComponents(def, values, options);
	const template: Record<string, unknown> = { name: def.name, language: { code: def.language } };
	if (components.length) template.components = components;
	return { type: 'template', template };
}

/** Picks a template from a list by name (and language when given); errors list what exists. */
export function findTemplate(
	templates: TemplateDefinition[],
	name: string,
	language?: string,
): TemplateDefinition {
	const sameName = templates.filter((t) => t.name === name);
	if (sameName.length === 0)
		throw new MessageValidationError(
			'Template',
			`"${name}" does not exist in this WhatsApp Business Account`,
			'Pick it from the list (names are lower-case with underscores) or create and approve it in WhatsApp Manager.',
		);
	const lang = language?.trim();
	if (lang) {
		const hit = sameName.find((t) => t.language === lang);
		if (hit) return hit;
		throw new MessageValidationError(
			'Template language',
			`"${lang}" is not available for template "${name}"`,
			`Use one of: ${sameName.map((t) => t.language).join(', ')}.`,
		);
	}
	if (sameName.length === 1) return sameName[0];
	throw new MessageValidationError(
		'Template language',
		`is needed: template "${name}" exists in ${sameName.length} languages`,
		`Give one of: ${sameName.map((t) => t.language).join(', ')} (write the template as name|language, e.g. ${name}|${sameName[0].language}).`,
	);
}

/** `"name|language"` / `"name"` → parts. */
export function parseTemplateRef(value: string): { name: string; language?: string } {
	const [name, language] = value.split('|').map((s) => s.trim());
	return { name, language: language || undefined };
}
