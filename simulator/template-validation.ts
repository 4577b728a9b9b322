/**
 * Validates `template` send payloads against the catalogue like Meta does (132001, 132015, 132000, 132012,
 * 132005, 131009, 100) and renders the message as the patient sees it.
 */
import { Errors, GraphError } from './errors';
import { isRecord } from './http-util';
import type { RenderedButton, RenderedMessage } from './state';
import type { MessageTemplate, TemplateButton, TemplateComponent } from './templates';
import { fillPlaceholders, placeholders } from './templates';

/** Resolves a media object `{id}|{link}` to a URL the chat page can open; throws a Graph error when invalid. */
export type MediaResolver = (
	field: string,
	media: Record<string, unknown>,
) => { url: string; filename?: string };

export interface TemplateCheck {
	template: MessageTemplate;
	rendered: RenderedMessage;
}

const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'];

function unique(names: string[]): string[] {
	return [...new Set(names)];
}

function formatMismatch(where: string, expected: string, received: string): GraphError {
	return Errors.templateFormatMismatch(
		`${where}: Format mismatch, expected ${expected}, received ${received}`,
	);
}

/** Checks text/currency/date_time parameters and returns their display values. */
function paramValues(
	where: string,
	fieldPrefix: string,
	params: unknown[],
	expected: string[],
	named: boolean,
): Record<string, string> {
	if (params.length !== expected.length) {
		throw Errors.templateParamCount(
			`${where}: number of localizable_params (${params.length}) does not match the expected number of params (${expected.length})`,
		);
	}
	const values: Record<string, string> = {};
	params.forEach((p, i) => {
		const field = `${fieldPrefix}[${i}]`;
		if (!isRecord(p)) throw Errors.invalidParameter(`Param ${field} must be a JSON object.`);
		const type = String(p.type ?? '').toLowerCase();
		let value: string;
		if (type === 'text') {
			if (typeof p.text !== 'string' || p.text.trim() === '') {
				throw Errors.requiredParameterMissing(
					`Parameter of type text is missing text value (${field}['text'])`,
				);
			}
			if (/[\n\t]/.test(p.text) || / {5,}/.test(p.text)) {
				throw Errors.invalidParameter(
					`Param ${field}['text'] cannot have new-line/tab characters or more than 4 consecutive spaces`,
				);
			}
			value = p.text;
		} else if (type === 'currency') {
			const c = p.currency;
			if (
				!isRecord(c) ||
				typeof c.fallback_value !== 'string' ||
				typeof c.code !== 'string' ||
				typeof c.amount_1000 !== 'number'
			) {
				throw Errors.requiredParameterMissing(
					`${field}['currency'] needs fallback_value, code and amount_1000`,
				);
			}
			// amount_1000 is the amount multiplied by 1000, an integer; code an ISO 4217 currency code.
			if (!Number.isInteger(c.amount_1000)) {
				throw Errors.invalidParameter(`Param ${field}['currency']['amount_1000'] must be an integer.`);
			}
			if (!/^[A-Za-z]{3}$/.test(c.code)) {
				throw Errors.invalidParameter(
					`Param ${field}['currency']['code'] must be a 3-letter ISO 4217 currency code.`,
				);
			}
			if (!c.fallback_value.trim()) {
				throw Errors.requiredParameterMissing(`${field}['currency']['fallback_value'] is empty`);
			}
			value = c.fallback_value;
		} else if (type === 'date_time') {
			const d = p.date_time;
			if (!isRecord(d) || typeof d.fallback_value !== 'string' || !d.fallback_value.trim()) {
				throw Errors.requiredParameterMissing(`${field}['date_time'] needs fallback_value`);
			}
			value = d.fallback_value;
		} else {
			throw formatMismatch(where, 'TEXT', type ? type.toUpperCase() : 'UNKNOWN');
		}
		if (named) {
			if (typeof p.parameter_name !== 'string' || !p.parameter_name) {
				throw Errors.invalidParameter(
					`Param ${field}['parameter_name'] is required for templates with named parameters.`,
				);
			}
			values[p.parameter_name] = value;
		} else {
			values[String(i + 1)] = value;
		}
	});
	if (named) {
		const got = Object.keys(values).sort();
		const want = [...expected].sort();
		if (got.join(',') !== want.join(',')) {
			throw Errors.templateParamCount(
				`${where}: parameter names (${Object.keys(values).join(', ')}) do not match the expected names (${expected.join(', ')})`,
			);
		}
	}
	return values;
}

function findComponent(
	template: MessageTemplate,
	type: TemplateComponent['type'],
): TemplateComponent | undefined {
	return template.components.find((c) => c.type === type);
}

const BUTTON_SUBTYPES: Record<string, TemplateButton['type']> = {
	quick_reply: 'QUICK_REPLY',
	url: 'URL',
	copy_code: 'COPY_CODE',
};

export function checkTemplate(
	raw: unknown,
	catalogue: readonly MessageTemplate[],
	resolveMedia: MediaResolver,
): TemplateCheck {
	if (!isRecord(raw)) throw Errors.requiredParameter('template');
	if (typeof raw.name !== 'string' || !raw.name) throw Errors.requiredParameter("template['name']");
	const language = isRecord(raw.language) ? raw.language.code : undefined;
	if (typeof language !== 'string' || !language)
		throw Errors.requiredParameter("template['language']['code']");
	const template = catalogue.find((t) => t.name === raw.name && t.language === language);
	if (!template || !['APPROVED', 'PAUSED'].includes(template.status))
		throw Errors.templateNotFound(raw.name, language);
	if (template.status === 'PAUSED') throw Errors.templatePaused(template.name);
	const named = template.parameter_format === 'NAMED';

	const components = raw.components ?? [];
	if (!Array.isArray(components))
		throw Errors.invalidParameter("Param template['components'] must be an array.");
	let headerParams: unknown[] = [];
	let bodyParams: unknown[] = [];
	const buttonParams = new Map<number, { subType: string; params: unknown[]; field: string }>();
	components.forEach((c, i) => {
		const field = `template['components'][${i}]`;
		if (!isRecord(c)) throw Errors.invalidParameter(`Param ${field} must be a JSON object.`);
		const type = String(c.type ?? '').toLowerCase();
		const params = c.parameters ?? [];
		if (!Array.isArray(params))
			throw Errors.invalidParameter(`Param ${field}['parameters'] must be an array.`);
		if (type === 'header') headerParams = params;
		else if (type === 'body') bodyParams = params;
		else if (type === 'button') {
			const subType = String(c.sub_type ?? '').toLowerCase();
			const index = Number(c.index);
			if (!BUTTON_SUBTYPES[subType]) {
				throw Errors.invalidParameter(
					`Param ${field}['sub_type'] must be one of {QUICK_REPLY, URL, COPY_CODE, FLOW, CATALOG}.`,
				);
			}
			if (c.index === undefined || !Number.isInteger(index) || index < 0) {
				throw Errors.requiredParameter(`${field}['index']`);
			}
			buttonParams.set(index, { subType, params, field });
		} else {
			throw Errors.invalidParameter(`Param ${field}['type'] must be one of {HEADER, BODY, BUTTON}.`);
		}
	});

	const rendered: RenderedMessage = {};

	// Header
	const header = findComponent(template, 'HEADER');
	if (header && MEDIA_FORMATS.includes(header.format ?? '')) {
		const p = headerParams[0];
		if (headerParams.length > 1) {
			throw Errors.templateParamCount(
				`header: number of localizable_params (${headerParams.length}) does not match the expected number of params (1)`,
			);
		}
		if (!isRecord(p)) throw formatMismatch('header', header.format!, 'UNKNOWN');
		const type = String(p.type ?? '').toUpperCase();
		if (type !== header.format) throw formatMismatch('header', header.format!, type || 'UNKNOWN');
		const media = p[type.toLowerCase()];
		if (!isRecord(media)) throw formatMismatch('header', header.format!, 'UNKNOWN');
		const resolved = resolveMedia(
			`template['components'][header]['parameters'][0]['${type.toLowerCase()}']`,
			media,
		);
		rendered.header = {
			type: type.toLowerCase() as 'image' | 'video' | 'document',
			url: resolved.url,
			filename: typeof media.filename === 'string' ? media.filename : resolved.filename,
		};
	} else {
		const expected = header?.format === 'TEXT' ? unique(placeholders(header.text)) : [];
		const values = paramValues(
			'header',
			"template['components'][header]['parameters']",
			headerParams,
			expected,
			named,
		);
		if (header?.text) rendered.header = { type: 'text', text: fillPlaceholders(header.text, values) };
	}

	// Body
	const body = findComponent(template, 'BODY');
	const bodyValues = paramValues(
		'body',
		"template['components'][body]['parameters']",
		bodyParams,
		unique(placeholders(body?.text)),
		named,
	);
	rendered.body = fillPlaceholders(body?.text ?? '', bodyValues);
	if (rendered.body.length > 1024) {
		throw Errors.templateTextTooLong(
			`body: text with parameters is ${rendered.body.length} characters; the maximum is 1024`,
		);
	}
	const footer = findComponent(template, 'FOOTER');
	if (footer?.text) rendered.footer = footer.text;

	// Buttons
	const buttons = findComponent(template, 'BUTTONS')?.buttons ?? [];
	for (const [index, given] of buttonParams) {
		const button = buttons[index];
		if (!button) {
			throw Errors.parameterValueNotValid(
				`${given.field}: button at index ${index} does not exist in template ${template.name}`,
			);
		}
		if (BUTTON_SUBTYPES[given.subType] !== button.type) {
			throw Errors.parameterValueNotValid(
				`${given.field}: button at index ${index} is of type ${button.type}, received sub_type ${given.subType}`,
			);
		}
	}
	rendered.buttons = buttons.map((button, index): RenderedButton => {
		const given = buttonParams.get(index);
		const params = given?.params ?? [];
		const field = given?.field ?? `button at index ${index}`;
		if (button.type === 'QUICK_REPLY') {
			if (params.length > 1) {
				throw Errors.templateParamCount(
					`buttons: button at index ${index} accepts at most 1 parameter (got ${params.length})`,
				);
			}
			const p = params[0];
			if (p !== undefined) {
				if (!isRecord(p) || String(p.type).toLowerCase() !== 'payload' || typeof p.payload !== 'string') {
					throw Errors.parameterValueNotValid(
						`${field}['parameters'][0] must be {type: "payload", payload: "<string>"}`,
					);
				}
				return { type: 'QUICK_REPLY', text: button.text, payload: p.payload };
			}
			return { type: 'QUICK_REPLY', text: button.text, payload: button.text };
		}
		if (button.type === 'URL') {
			const dynamic = placeholders(button.url).length > 0;
			if (!dynamic) {
				if (params.length) {
					throw Errors.templateParamCount(
						`buttons: button at index ${index} of type Url does not require parameters`,
					);
				}
				return { type: 'URL', text: button.text, url: button.url };
			}
			const p = params[0];
			if (params.length !== 1) {
				throw Errors.templateParamCount(
					`buttons: number of localizable_params (${params.length}) does not match the expected number of params (1) for the URL button at index ${index}`,
				);
			}
			if (!isRecord(p) || String(p.type).toLowerCase() !== 'text' || typeof p.text !== 'string' || !p.text) {
				throw Errors.parameterValueNotValid(
					`${field}['parameters'][0] must be {type: "text", text: "<url suffix>"}`,
				);
			}
			return { type: 'URL', text: button.text, url: fillPlaceholders(button.url ?? '', { '1': p.text }) };
		}
		if (button.type === 'COPY_CODE') {
			const p = params[0];
			if (params.length !== 1) {
				throw Errors.templateParamCount(
					`buttons: number of localizable_params (${params.length}) does not match the expected number of params (1) for the COPY_CODE button at index ${index}`,
				);
			}
			if (
				!isRecord(p) ||
				String(p.type).toLowerCase() !== 'coupon_code' ||
				typeof p.coupon_code !== 'string'
			) {
				throw Errors.parameterValueNotValid(
					`${field}['parameters'][0] must be {type: "coupon_code", coupon_code: "<code>"}`,
				);
			}
			if (p.coupon_code.length > 15)
				throw Errors.paramTooLong(`${field}['parameters'][0]['coupon_code']`, 15);
			return { type: 'COPY_CODE', text: button.text, code: p.coupon_code };
		}
		return { type: 'PHONE_NUMBER', text: button.text, phoneNumber: button.phone_number };
	});
	if (!rendered.buttons.length) delete rendered.buttons;
	return { template, rendered };
}
