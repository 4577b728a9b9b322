/**
 * Meta's limits on template parameter values, checked locally before anything is sent: a value that is too long
 * fails as a MessageValidationError naming its placeholder (`body {{2}}`, `button 1 ("Track") URL suffix`) and the
 * fix, instead of Meta rejecting the message after the run has started.
 *
 * Sources (looked up for issue 14, item 11):
 * - Header text: "Maximum 60 characters" (Meta, Template components, Text header:
 *   https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components).
 * - Body text parameters: 1,024 characters when the template also has a header, footer or buttons, 32,768 when the
 *   body is its only component (whatsapp-api-js, BodyParameter:
 *   https://whatsappapijs.web.app/classes/messages.BodyParameter.html, which follows the `text` field of the
 *   parameter object in Meta's Cloud API reference, https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
 * - URL buttons: the URL, with the variable appended at its end, is at most 2,000 characters (Braze, WhatsApp
 *   message formats: https://www.braze.com/docs/ja/user_guide/channels/whatsapp/create_a_whatsapp_message/message_and_image_formats/).
 * - Copy-code (coupon) and one-time-password codes: at most 15 characters (unchanged from before).
 * - Quick-reply payloads and flow tokens: no documented limit found, so none is enforced here.
 */
import type { TemplateDefinition, TemplateParameter } from './template-parameters';
import { MessageValidationError } from './validation';

export const MAX_HEADER_TEXT = 60;
/** Body parameter when the template has other components (header, footer, buttons). */
export const MAX_BODY_PARAMETER = 1024;
/** Body parameter when the body is the template's only component. */
export const MAX_BODY_ONLY_PARAMETER = 32768;
export const MAX_BUTTON_URL = 2000;
export const MAX_COUPON_CODE = 15;
export const MAX_OTP_CODE = 15;

const NUMBER = new Intl.NumberFormat('en-US');

/** The body-parameter limit of a template: larger when the body is its only component. */
export function bodyParameterLimit(def: TemplateDefinition): number {
	const components = def.components ?? [];
	return components.every((c) => String(c.type ?? '').toUpperCase() === 'BODY')
		? MAX_BODY_ONLY_PARAMETER
		: MAX_BODY_PARAMETER;
}

/**
 * Checks the text of a header/body variable: WhatsApp's characters rule for body variables and the length limit of
 * its component. `typed` values (currency, date_time) are checked through their fallback text.
 */
export function checkVariableText(
	def: TemplateDefinition,
	param: TemplateParameter,
	text: string,
	typed: boolean,
): void {
	if (param.component === 'body') {
		if (/[\n\t]/.test(text) || / {5,}/.test(text))
			throw new MessageValidationError(
				param.label,
				'contains a line break, a tab or more than 4 spaces in a row',
				'WhatsApp rejects those inside template variables; put them on one line (replace line breaks with ", ").',
			);
		const max = bodyParameterLimit(def);
		if (text.length > max)
			throw new MessageValidationError(
				param.label,
				`is ${NUMBER.format(text.length)} characters; WhatsApp allows at most ${NUMBER.format(max)}`,
				`Shorten the value for ${param.placeholder ?? param.label} (e.g. send a link to the full text instead).`,
			);
	}
	if (param.component === 'header' && text.length > MAX_HEADER_TEXT)
		throw new MessageValidationError(
			param.label,
			`is ${text.length} characters${typed ? ` ("${text}")` : ''}`,
			typed
				? `A header is at most ${MAX_HEADER_TEXT} characters in total; give a shorter fallback_value or a shorter date style.`
				: `A header is at most ${MAX_HEADER_TEXT} characters in total; shorten the value.`,
		);
}

/** Checks a URL button's suffix: the finished URL must fit WhatsApp's limit. */
export function checkUrlSuffix(param: TemplateParameter, suffix: string): void {
	const prefix = (param.url ?? '').replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}\s*$/, '');
	const length = prefix.length + suffix.length;
	if (length > MAX_BUTTON_URL)
		throw new MessageValidationError(
			param.label,
			`makes the button URL ${NUMBER.format(length)} characters long; WhatsApp allows at most ${NUMBER.format(MAX_BUTTON_URL)}`,
			`Shorten the suffix to at most ${NUMBER.format(Math.max(0, MAX_BUTTON_URL - prefix.length))} characters (e.g. an ID instead of the full address).`,
		);
}

/** Checks a copy-code coupon or a one-time-password code. */
export function checkCode(param: TemplateParameter, code: string): void {
	const max = param.kind === 'coupon_code' ? MAX_COUPON_CODE : MAX_OTP_CODE;
	if (code.length > max)
		throw new MessageValidationError(
			param.label,
			`is ${code.length} characters`,
			`Use at most ${max} characters.`,
		);
}
