/**
 * The parameter model of a message template: from a template definition (as `GET /<WABA_ID>/message_templates`
 * returns it) to one entry per thing the sender must (or may) fill in, keyed `body_1`, `body_first_name`,
 * `header_1`, `header_media`, `header_location`, `button_0_payload`, `button_1_url_suffix`,
 * `button_2_coupon_code`, `button_3_flow_token`, `button_3_flow_action_data`, `button_0_otp_code`. The keys are the resource-mapper field ids
 * and the value keys of template.ts; the labels (`body {{first_name}}`, `button 2 ("Track") URL suffix`) are how
 * errors and the editor name each placeholder.
 */
import { MAX_COUPON_CODE, MAX_OTP_CODE } from './template-limits';

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
	| 'flow_action_data'
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
	/** URL buttons: the approved URL whose trailing {{1}} the suffix replaces. */
	url?: string;
	required: boolean;
	example?: string;
	/** One-line help shown next to the field. */
	hint: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

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
				url: button.url,
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
				hint: `The code copied when the patient taps the button (at most ${MAX_COUPON_CODE} characters).`,
			});
		else if (type === 'FLOW')
			params.push(
				{
					...base,
					key: `button_${index}_flow_token`,
					kind: 'flow_token',
					label: `button ${index + 1}${title} flow token`,
					required: false,
					hint: 'Token sent back with every data-endpoint request and the Flow’s answers. Empty = a signed token from this package when the node can issue one, else Meta’s default "unused".',
				},
				{
					...base,
					key: `button_${index}_flow_action_data`,
					kind: 'flow_action_data',
					label: `button ${index + 1}${title} flow action data`,
					required: false,
					hint: 'A JSON object with the data of the Flow’s first screen, e.g. {"specialty": "consultation"}. Empty = none.',
				},
			);
		else if (type === 'OTP')
			params.push({
				...base,
				key: `button_${index}_otp_code`,
				kind: 'otp_code',
				label: `button ${index + 1}${title} one-time code`,
				required: true,
				hint: `The one-time code (at most ${MAX_OTP_CODE} characters). Empty = the value of body {{1}}.`,
			});
	});
	return params;
}
