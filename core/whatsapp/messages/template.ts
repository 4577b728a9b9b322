/**
 * Template messages (`type: "template"`): builds Meta's `template.components` from values keyed by the template's
 * parameter model (template-parameters.ts), validating everything first, and finds a template by name/language.
 *
 * - body/header variables, positional `{{1}}` or named `{{first_name}}` (sent with `parameter_name`): plain text,
 *   or typed money / dates sent as Meta's `currency` / `date_time` with a fallback written in the template's
 *   language (see template-variables.ts; `options.formats` types variables given as plain text or numbers);
 * - header media IMAGE / VIDEO / DOCUMENT (link or media id, document filename) and LOCATION;
 * - buttons: QUICK_REPLY payload (optional), dynamic URL suffix, COPY_CODE coupon, OTP code, FLOW token and action
 *   data (both optional; Meta's `{type: "action", action: {flow_token, flow_action_data}}`, docs/flows.md).
 *
 * Errors name the placeholder (`body {{first_name}}`) and the fix; values longer than Meta allows are refused here
 * (template-limits.ts). Bare value keys such as `"1"`, `"{{first_name}}"` or `"first_name"` are accepted when they
 * point at exactly one parameter (template-values.ts).
 */
import { parseLocation } from './location';
import { mediaRefFromValue } from './media';
import type { MessageContent } from './request';
import { checkCode, checkUrlSuffix, checkVariableText } from './template-limits';
import { templateParameters, type TemplateDefinition, type TemplateParameter } from './template-parameters';
import { asText, isBlank, resolveFormats, resolveValues } from './template-values';
import { isTypedValue, typedParameter, type TemplateVariableFormat } from './template-variables';
import { MessageValidationError, parseJsonOrThrow } from './validation';

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
	/**
	 * The flow token of a FLOW button given no token (e.g. a signed token the Flow trigger accepts). Without it
	 * such a button is sent without a token and Meta uses "unused".
	 */
	defaultFlowToken?: () => string;
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
				checkVariableText(def, param, text, p.type !== 'text');
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
			case 'url_suffix': {
				const suffix = asText(param, value, def.name);
				checkUrlSuffix(param, suffix);
				buttons.set(param.buttonIndex!, {
					type: 'button',
					sub_type: 'url',
					index: String(param.buttonIndex),
					parameters: [{ type: 'text', text: suffix }],
				});
				break;
			}
			case 'coupon_code':
			case 'otp_code': {
				const code = asText(param, value, def.name);
				checkCode(param, code);
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
				flowAction(buttons, param).flow_token = asText(param, value, def.name);
				break;
			case 'flow_action_data': {
				const data = flowActionData(param, value);
				if (data) flowAction(buttons, param).flow_action_data = data;
				break;
			}
		}
	}

	if (options.defaultFlowToken)
		for (const param of params)
			if (param.kind === 'flow_token' && isBlank(resolved.get(param.key)))
				flowAction(buttons, param).flow_token = options.defaultFlowToken();

	const components: Array<Record<string, unknown>> = [];
	if (header.length) components.push({ type: 'header', parameters: header });
	if (body.length) components.push({ type: 'body', parameters: body });
	for (const index of [...buttons.keys()].sort((a, b) => a - b)) components.push(buttons.get(index)!);
	return components;
}

/** The `action` of a FLOW button's parameter (created on first use: token and action data share it). */
function flowAction(
	buttons: Map<number, Record<string, unknown>>,
	param: TemplateParameter,
): Record<string, unknown> {
	let button = buttons.get(param.buttonIndex!);
	if (!button) {
		button = {
			type: 'button',
			sub_type: 'flow',
			index: String(param.buttonIndex),
			parameters: [{ type: 'action', action: {} }],
		};
		buttons.set(param.buttonIndex!, button);
	}
	return (button.parameters as Array<{ action: Record<string, unknown> }>)[0].action;
}

/** Flow action data: a JSON object (or its JSON text), the first screen's data; `{}` is not sent. */
function flowActionData(param: TemplateParameter, value: unknown): Record<string, unknown> | undefined {
	const fix =
		'Give a JSON object with the first screen’s data, e.g. {"specialty": "consultation"}, or leave it empty.';
	const parsed = typeof value === 'string' ? parseJsonOrThrow(value, param.label, fix) : value;
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
		throw new MessageValidationError(param.label, 'is not a JSON object', fix);
	return Object.keys(parsed).length ? (parsed as Record<string, unknown>) : undefined;
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
