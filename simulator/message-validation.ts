/**
 * Validates non-template message payloads (text, media, location, reaction, contacts, interactive) with
 * Meta's limits, and renders them for the chat page. Errors name the offending field.
 */
import { CALLING_INTERACTIVE_TYPES, checkCallingInteractive } from './calling-messages';
import { Errors } from './errors';
import { checkFlowInteractive } from './flows-message';
import { isRecord } from './http-util';
import type { RenderedMessage } from './state';
import type { MediaResolver } from './template-validation';

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export const MESSAGE_TYPES = [
	'audio',
	'contacts',
	'document',
	'image',
	'interactive',
	'location',
	'reaction',
	'sticker',
	'template',
	'text',
	'video',
];

function str(v: unknown): string | undefined {
	return typeof v === 'string' ? v : undefined;
}

function requireText(obj: Record<string, unknown>, key: string, field: string, max: number, min = 1): string {
	const v = obj[key];
	if (typeof v !== 'string' || v.length < min) {
		if (v === undefined || v === '') throw Errors.requiredParameter(`${field}['${key}']`);
		throw Errors.invalidParameter(`Param ${field}['${key}'] must be a string.`);
	}
	if ([...v].length > max) throw Errors.paramTooLong(`${field}['${key}']`, max);
	return v;
}

function optionalText(
	obj: Record<string, unknown> | undefined,
	key: string,
	field: string,
	max: number,
): string | undefined {
	if (!obj || obj[key] === undefined) return undefined;
	return requireText(obj, key, field, max);
}

function validUrl(v: unknown): v is string {
	if (typeof v !== 'string') return false;
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

function checkMedia(
	type: string,
	media: unknown,
	field: string,
	resolveMedia: MediaResolver,
): RenderedMessage['media'] {
	if (!isRecord(media)) throw Errors.requiredParameter(field);
	const caption =
		type === 'audio' || type === 'sticker' ? undefined : optionalText(media, 'caption', field, 1024);
	const resolved = resolveMedia(field, media);
	return {
		type,
		url: resolved.url,
		caption,
		filename: str(media.filename) ?? resolved.filename,
	};
}

/** Validates `link` or `id` on a media object; shared with templates. */
export function checkMediaReference(
	field: string,
	media: Record<string, unknown>,
): { id?: string; link?: string } {
	if (media.id !== undefined && media.link !== undefined) {
		throw Errors.invalidParameter(`Param ${field} must contain either 'id' or 'link', not both.`);
	}
	if (media.id !== undefined) {
		if (typeof media.id !== 'string' || !media.id)
			throw Errors.invalidParameter(`Param ${field}['id'] must be a string.`);
		return { id: media.id };
	}
	if (media.link !== undefined) {
		if (!validUrl(media.link)) throw Errors.invalidParameter(`${String(media.link)} is not a valid URI.`);
		return { link: media.link };
	}
	throw Errors.requiredParameterMissing(`${field} must contain either 'id' or 'link'`);
}

function checkButtons(interactive: Record<string, unknown>, rendered: RenderedMessage): void {
	const action = isRecord(interactive.action) ? interactive.action : undefined;
	const buttons = action?.buttons;
	if (!Array.isArray(buttons) || buttons.length === 0)
		throw Errors.requiredParameter("interactive['action']['buttons']");
	if (buttons.length > 3) {
		throw Errors.parameterValueNotValid(
			`interactive['action']['buttons']: at most 3 reply buttons are allowed, got ${buttons.length}`,
		);
	}
	const ids = new Set<string>();
	const titles = new Set<string>();
	rendered.buttons = buttons.map((b, i) => {
		const field = `interactive['action']['buttons'][${i}]`;
		if (!isRecord(b) || b.type !== 'reply' || !isRecord(b.reply)) {
			throw Errors.invalidParameter(`Param ${field} must be {type: "reply", reply: {id, title}}.`);
		}
		const id = b.reply.id;
		const title = b.reply.title;
		if (typeof id !== 'string' || !id) throw Errors.requiredParameter(`${field}['reply']['id']`);
		if (id.length > 256) {
			throw Errors.parameterValueNotValid(
				`${field}['reply']['id']: Button id length invalid. Max length: 256`,
			);
		}
		if (typeof title !== 'string' || [...title].length < 1 || [...title].length > 20) {
			throw Errors.parameterValueNotValid(
				`${field}['reply']['title']: Button title length invalid. Min length: 1, Max length: 20`,
			);
		}
		if (ids.has(id))
			throw Errors.parameterValueNotValid(`${field}['reply']['id']: Button ids must be unique (${id})`);
		if (titles.has(title)) {
			throw Errors.parameterValueNotValid(
				`${field}['reply']['title']: Button titles must be unique (${title})`,
			);
		}
		ids.add(id);
		titles.add(title);
		return { type: 'reply' as const, text: title, payload: id };
	});
}

function checkList(interactive: Record<string, unknown>, rendered: RenderedMessage): void {
	const action = isRecord(interactive.action) ? interactive.action : undefined;
	if (!action) throw Errors.requiredParameter("interactive['action']");
	const button = requireText(action, 'button', "interactive['action']", 20);
	const sections = action.sections;
	if (!Array.isArray(sections) || sections.length === 0)
		throw Errors.requiredParameter("interactive['action']['sections']");
	if (sections.length > 10) {
		throw Errors.parameterValueNotValid(
			`interactive['action']['sections']: at most 10 sections are allowed, got ${sections.length}`,
		);
	}
	let rows = 0;
	const rowIds = new Set<string>();
	const out: NonNullable<RenderedMessage['list']>['sections'] = sections.map((s, si) => {
		const field = `interactive['action']['sections'][${si}]`;
		if (!isRecord(s)) throw Errors.invalidParameter(`Param ${field} must be a JSON object.`);
		const title =
			sections.length > 1 ? requireText(s, 'title', field, 24) : optionalText(s, 'title', field, 24);
		if (!Array.isArray(s.rows) || s.rows.length === 0) throw Errors.requiredParameter(`${field}['rows']`);
		return {
			title,
			rows: s.rows.map((r, ri) => {
				const rf = `${field}['rows'][${ri}]`;
				rows++;
				if (!isRecord(r)) throw Errors.invalidParameter(`Param ${rf} must be a JSON object.`);
				if (typeof r.id !== 'string' || !r.id) throw Errors.requiredParameter(`${rf}['id']`);
				if (r.id.length > 200) throw Errors.paramTooLong(`${rf}['id']`, 200);
				if (rowIds.has(r.id))
					throw Errors.parameterValueNotValid(`${rf}['id']: Row ids must be unique (${r.id})`);
				rowIds.add(r.id);
				if (typeof r.title !== 'string' || !r.title) throw Errors.requiredParameter(`${rf}['title']`);
				if ([...r.title].length > 24) {
					throw Errors.parameterValueNotValid(`${rf}['title']: Row title length invalid. Max length: 24`);
				}
				const description = str(r.description);
				if (description !== undefined && [...description].length > 72) {
					throw Errors.parameterValueNotValid(
						`${rf}['description']: Row description length invalid. Max length: 72`,
					);
				}
				return { id: r.id, title: r.title, description };
			}),
		};
	});
	if (rows > 10) {
		throw Errors.parameterValueNotValid(
			`interactive['action']['sections']: Total row count exceed max allowed count: 10 (got ${rows})`,
		);
	}
	rendered.list = { button, sections: out };
}

function checkInteractive(raw: unknown, resolveMedia: MediaResolver): RenderedMessage {
	if (!isRecord(raw)) throw Errors.requiredParameter('interactive');
	const type = raw.type;
	const rendered: RenderedMessage = {};
	const bodyMax = type === 'list' ? 4096 : 1024;
	const body = isRecord(raw.body) ? raw.body : undefined;
	if (type !== 'location_request_message' || body) {
		if (!body) throw Errors.requiredParameter("interactive['body']");
		rendered.body = requireText(body, 'text', "interactive['body']", bodyMax);
	}
	const footer = isRecord(raw.footer) ? raw.footer : undefined;
	rendered.footer = optionalText(footer, 'text', "interactive['footer']", 60);
	if (raw.header !== undefined) {
		const header = raw.header;
		if (!isRecord(header))
			throw Errors.invalidParameter("Param interactive['header'] must be a JSON object.");
		const ht = header.type;
		if (ht === 'text') {
			rendered.header = { type: 'text', text: requireText(header, 'text', "interactive['header']", 60) };
		} else if ((ht === 'image' || ht === 'video' || ht === 'document') && type !== 'list') {
			const media = checkMedia(ht, header[ht], `interactive['header']['${ht}']`, resolveMedia);
			rendered.header = { type: ht, url: media?.url, filename: media?.filename };
		} else {
			throw Errors.invalidParameter(
				`Param interactive['header']['type'] must be one of {${type === 'list' ? 'text' : 'text, image, video, document'}}.`,
			);
		}
	}
	if (type === 'button') checkButtons(raw, rendered);
	else if (type === 'list') checkList(raw, rendered);
	else if (type === 'cta_url') {
		const action = isRecord(raw.action) ? raw.action : undefined;
		const params = isRecord(action?.parameters) ? action.parameters : undefined;
		if (!action || action.name !== 'cta_url' || !params) {
			throw Errors.requiredParameter("interactive['action']['parameters'] (with name \"cta_url\")");
		}
		const text = requireText(params, 'display_text', "interactive['action']['parameters']", 20);
		if (!validUrl(params.url)) throw Errors.invalidParameter(`${String(params.url)} is not a valid URI.`);
		rendered.buttons = [{ type: 'cta_url', text, url: params.url }];
	} else if (type === 'location_request_message') {
		rendered.buttons = [{ type: 'reply', text: 'Send location', payload: 'send_location' }];
	} else if (CALLING_INTERACTIVE_TYPES.includes(String(type))) {
		checkCallingInteractive(raw, rendered);
	} else if (type === 'flow') {
		checkFlowInteractive(raw, rendered);
	} else {
		throw Errors.invalidParameter(
			`Param interactive['type'] must be one of {button, list, cta_url, flow, location_request_message, voice_call, call_permission_request} - got "${String(type)}".`,
		);
	}
	return rendered;
}

/** String-valued keys of each list in a contact card (Meta's contacts message object). */
const CONTACT_LISTS: Record<string, string[]> = {
	phones: ['phone', 'type', 'wa_id'],
	emails: ['email', 'type'],
	urls: ['url', 'type'],
	addresses: ['street', 'city', 'state', 'zip', 'country', 'country_code', 'type'],
};

function isRealDate(v: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
	if (!m) return false;
	const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return (
		d.getUTCFullYear() === Number(m[1]) &&
		d.getUTCMonth() === Number(m[2]) - 1 &&
		d.getUTCDate() === Number(m[3])
	);
}

function checkStrings(obj: Record<string, unknown>, keys: string[], field: string): void {
	for (const key of keys) {
		if (obj[key] !== undefined && typeof obj[key] !== 'string')
			throw Errors.invalidParameter(`Param ${field}['${key}'] must be a string.`);
	}
}

/** Contacts message: a non-empty list of cards, each with `name.formatted_name`; lists, org and birthday typed. */
function checkContacts(content: unknown): NonNullable<RenderedMessage['contacts']> {
	if (!Array.isArray(content) || content.length === 0) throw Errors.requiredParameter('contacts');
	return content.map((c, i) => {
		const field = `contacts[${i}]`;
		if (!isRecord(c)) throw Errors.invalidParameter(`Param ${field} must be an object.`);
		if (!isRecord(c.name)) throw Errors.requiredParameter(`${field}['name']['formatted_name']`);
		const name = c.name.formatted_name;
		if (typeof name !== 'string' || !name.trim())
			throw Errors.requiredParameter(`${field}['name']['formatted_name']`);
		checkStrings(c.name, ['first_name', 'last_name', 'middle_name', 'prefix', 'suffix'], `${field}['name']`);
		for (const [list, keys] of Object.entries(CONTACT_LISTS)) {
			const entries = c[list];
			if (entries === undefined) continue;
			if (!Array.isArray(entries))
				throw Errors.invalidParameter(`Param ${field}['${list}'] must be an array.`);
			entries.forEach((entry, j) => {
				if (!isRecord(entry))
					throw Errors.invalidParameter(`Param ${field}['${list}'][${j}] must be an object.`);
				checkStrings(entry, keys, `${field}['${list}'][${j}]`);
			});
		}
		if (c.org !== undefined) {
			if (!isRecord(c.org)) throw Errors.invalidParameter(`Param ${field}['org'] must be an object.`);
			checkStrings(c.org, ['company', 'department', 'title'], `${field}['org']`);
		}
		if (c.birthday !== undefined && (typeof c.birthday !== 'string' || !isRealDate(c.birthday)))
			throw Errors.invalidParameter(`Param ${field}['birthday'] must be a date in YYYY-MM-DD format.`);
		const phones = Array.isArray(c.phones) ? (c.phones as Array<Record<string, unknown>>) : [];
		return { name, phones: phones.map((p) => String(p.phone ?? p.wa_id ?? '')) };
	});
}

/** Validates a non-template message of `type` and returns how it renders. */
export function checkMessage(
	type: string,
	payload: Record<string, unknown>,
	resolveMedia: MediaResolver,
): RenderedMessage {
	const content = payload[type];
	switch (type) {
		case 'text': {
			if (!isRecord(content)) throw Errors.requiredParameter("text['body']");
			return { body: requireText(content, 'body', 'text', 4096) };
		}
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
		case 'sticker':
			return { media: checkMedia(type, content, type, resolveMedia) };
		case 'location': {
			if (!isRecord(content)) throw Errors.requiredParameter('location');
			const lat = Number(content.latitude);
			const lng = Number(content.longitude);
			if (content.latitude === undefined || !Number.isFinite(lat) || Math.abs(lat) > 90) {
				throw Errors.invalidParameter("Param location['latitude'] must be a number between -90 and 90.");
			}
			if (content.longitude === undefined || !Number.isFinite(lng) || Math.abs(lng) > 180) {
				throw Errors.invalidParameter("Param location['longitude'] must be a number between -180 and 180.");
			}
			return {
				location: { latitude: lat, longitude: lng, name: str(content.name), address: str(content.address) },
			};
		}
		case 'reaction': {
			if (!isRecord(content)) throw Errors.requiredParameter('reaction');
			if (typeof content.message_id !== 'string' || !content.message_id) {
				throw Errors.requiredParameter("reaction['message_id']");
			}
			if (typeof content.emoji !== 'string') throw Errors.requiredParameter("reaction['emoji']");
			return { reaction: { messageId: content.message_id, emoji: content.emoji } };
		}
		case 'contacts':
			return { contacts: checkContacts(content) };
		case 'interactive':
			return checkInteractive(content, resolveMedia);
		default:
			throw Errors.invalidParameter(
				`Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${type}".`,
			);
	}
}
