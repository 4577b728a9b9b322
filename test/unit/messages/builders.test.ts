import {
	buildContacts,
	buildInteractive,
	buildList,
	buildLocation,
	buildMarkRead,
	buildMedia,
	buildMessageRequest,
	buildReaction,
	buildReplyButtons,
	buildText,
} from '../../../core/whatsapp/messages';
import { errorOf } from './error-of';

const phone = { kind: 'phone' as const, e164: '+5511912345678' };

describe('envelope', () => {
	it('wraps content with messaging_product, to, context and callback data', () => {
		const req = buildMessageRequest(phone, buildText({ body: 'Hi' }), {
			replyTo: 'wamid.ABC',
			bizOpaqueCallbackData: 'appt-42',
		});
		expect(req).toEqual({
			messaging_product: 'whatsapp',
			recipient_type: 'individual',
			to: '+5511912345678',
			type: 'text',
			text: { body: 'Hi' },
			context: { message_id: 'wamid.ABC' },
			biz_opaque_callback_data: 'appt-42',
		});
	});
	it('sends BSUIDs as recipient, not to', () => {
		const req = buildMessageRequest({ kind: 'userId', userId: 'BR.abc123' }, buildText({ body: 'Hi' }));
		expect(req.recipient).toBe('BR.abc123');
		expect(req).not.toHaveProperty('to');
	});
	it('rejects callback data over 512 bytes', () => {
		const e = errorOf(() =>
			buildMessageRequest(phone, buildText({ body: 'x' }), { bizOpaqueCallbackData: 'é'.repeat(257) }),
		);
		expect(e.field).toBe('biz_opaque_callback_data');
		expect(e.message).toContain('514 bytes');
	});
	it('rejects reply context on reactions', () => {
		const e = errorOf(() =>
			buildMessageRequest(phone, buildReaction({ message_id: 'wamid.X', emoji: '👍' }), {
				replyTo: 'wamid.Y',
			}),
		);
		expect(e.field).toBe('context.message_id');
	});
});

describe('text', () => {
	it('builds a text body with link preview', () => {
		expect(buildText({ body: 'See https://x.org', previewUrl: true })).toEqual({
			type: 'text',
			text: { preview_url: true, body: 'See https://x.org' },
		});
		expect(buildText({ body: 'plain' })).toEqual({ type: 'text', text: { body: 'plain' } });
	});
	it('rejects empty and over-long bodies, naming text.body', () => {
		expect(errorOf(() => buildText({ body: '  ' })).field).toBe('text.body');
		const e = errorOf(() => buildText({ body: 'a'.repeat(4097) }));
		expect(e.field).toBe('text.body');
		expect(e.message).toContain('4096');
	});
});

describe('reply buttons', () => {
	const ok = {
		body: 'Confirm your visit?',
		buttons: [{ id: 'yes', title: 'Confirm' }, { id: 'no', title: 'Cancel' }, { title: 'Reschedule' }],
		footer: 'Clinic',
		header: { type: 'text' as const, text: 'Tomorrow 9:30' },
	};
	it('builds Meta’s button payload; a missing id defaults to the title', () => {
		expect(buildReplyButtons(ok)).toEqual({
			type: 'interactive',
			interactive: {
				type: 'button',
				header: { type: 'text', text: 'Tomorrow 9:30' },
				body: { text: 'Confirm your visit?' },
				footer: { text: 'Clinic' },
				action: {
					buttons: [
						{ type: 'reply', reply: { id: 'yes', title: 'Confirm' } },
						{ type: 'reply', reply: { id: 'no', title: 'Cancel' } },
						{ type: 'reply', reply: { id: 'Reschedule', title: 'Reschedule' } },
					],
				},
			},
		});
	});
	it('supports a document header by media id with filename', () => {
		const content = buildReplyButtons({
			body: 'Your report',
			buttons: [{ id: 'ok', title: 'OK' }],
			header: { type: 'document', id: '123456', filename: 'report.pdf' },
		});
		expect((content.interactive as any).header).toEqual({
			type: 'document',
			document: { id: '123456', filename: 'report.pdf' },
		});
	});
	it.each([
		[
			{ ...ok, buttons: [...ok.buttons, { id: 'x', title: 'Four' }] },
			'interactive.action.buttons',
			'at most 3',
		],
		[{ ...ok, buttons: [] }, 'interactive.action.buttons', 'at least 1'],
		[
			{ ...ok, buttons: [{ id: 'a', title: 'A title that is too long' }] },
			'interactive.action.buttons[0].reply.title',
			'at most 20',
		],
		[
			{ ...ok, buttons: [{ id: 'x'.repeat(257), title: 'A' }] },
			'interactive.action.buttons[0].reply.id',
			'at most 256',
		],
		[
			{
				...ok,
				buttons: [
					{ id: 'a', title: 'Same' },
					{ id: 'b', title: 'same' },
				],
			},
			'interactive.action.buttons[1].reply.title',
			'different title',
		],
		[
			{
				...ok,
				buttons: [
					{ id: 'a', title: 'One' },
					{ id: 'a', title: 'Two' },
				],
			},
			'interactive.action.buttons[1].reply.id',
			'different id',
		],
		[{ ...ok, body: 'b'.repeat(1025) }, 'interactive.body.text', 'at most 1024'],
		[{ ...ok, footer: 'f'.repeat(61) }, 'interactive.footer.text', 'at most 60'],
		[{ ...ok, header: { type: 'text' as const, text: 'h'.repeat(61) } }, 'interactive.header', ''],
		[{ ...ok, header: { type: 'image' as const } }, 'interactive.header.image', 'no media'],
		[{ ...ok, header: { type: 'image' as const, link: 'ftp://x' } }, 'interactive.header.image.link', 'http'],
	])('rejects %#, naming the field', (input, field, text) => {
		const e = errorOf(() => buildReplyButtons(input as any));
		expect(e.field.startsWith(field)).toBe(true);
		expect(e.message).toContain(text);
	});
});

describe('list', () => {
	const rows = (n: number, prefix = 'r') =>
		Array.from({ length: n }, (_, i) => ({
			id: `${prefix}${i}`,
			title: `Slot ${i}`,
			description: 'Dr. Silva',
		}));
	const ok = { body: 'Pick a time', button: 'See times', sections: [{ title: 'Monday', rows: rows(3) }] };

	it('builds Meta’s list payload', () => {
		const content = buildList({ ...ok, header: 'Free slots', footer: 'Clinic' });
		expect(content).toEqual({
			type: 'interactive',
			interactive: {
				type: 'list',
				header: { type: 'text', text: 'Free slots' },
				body: { text: 'Pick a time' },
				footer: { text: 'Clinic' },
				action: { button: 'See times', sections: [{ title: 'Monday', rows: rows(3) }] },
			},
		});
	});

	it('accepts the Appointment Slot Lookup "WhatsApp List" shape directly (body as string or {text})', () => {
		const slotList = {
			type: 'list',
			body: 'Choose a slot',
			action: { button: 'Times', sections: [{ title: 'Tue 12', rows: rows(2) }] },
		};
		const a = buildInteractive(slotList);
		const b = buildInteractive({ ...slotList, body: { text: 'Choose a slot' } });
		const c = buildInteractive(JSON.stringify({ type: 'interactive', interactive: slotList }));
		expect(a).toEqual(b);
		expect(c).toEqual(a);
		expect((a.interactive as any).body).toEqual({ text: 'Choose a slot' });
	});

	it.each([
		[{ ...ok, button: 'b'.repeat(21) }, 'interactive.action.button', 'at most 20'],
		[{ ...ok, body: 'b'.repeat(4097) }, 'interactive.body.text', 'at most 4096'],
		[{ ...ok, header: 'h'.repeat(61) }, 'interactive.header.text', 'at most 60'],
		[{ ...ok, footer: 'f'.repeat(61) }, 'interactive.footer.text', 'at most 60'],
		[{ ...ok, sections: [] }, 'interactive.action.sections', 'at least 1'],
		[
			{ ...ok, sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}`) })) },
			'interactive.action.sections',
			'at most 10',
		],
		[
			{
				...ok,
				sections: [
					{ title: 'A', rows: rows(6, 'a') },
					{ title: 'B', rows: rows(5, 'b') },
				],
			},
			'interactive.action.sections[1].rows[4]',
			'row 11',
		],
		[{ ...ok, sections: [{ title: 'A', rows: [] }] }, 'interactive.action.sections[0].rows', 'at least 1'],
		[
			{ ...ok, sections: [{ title: 'A', rows: [{ id: 'x', title: 't'.repeat(25) }] }] },
			'interactive.action.sections[0].rows[0].title',
			'at most 24',
		],
		[
			{ ...ok, sections: [{ title: 'A', rows: [{ id: 'x', title: 't', description: 'd'.repeat(73) }] }] },
			'interactive.action.sections[0].rows[0].description',
			'at most 72',
		],
		[
			{ ...ok, sections: [{ title: 'A', rows: [{ id: 'x'.repeat(201), title: 't' }] }] },
			'interactive.action.sections[0].rows[0].id',
			'at most 200',
		],
		[
			{ ...ok, sections: [{ title: 's'.repeat(25), rows: rows(1) }] },
			'interactive.action.sections[0].title',
			'at most 24',
		],
		[
			{ ...ok, sections: [{ title: 'A', rows: rows(1, 'a') }, { rows: rows(1, 'b') }] },
			'interactive.action.sections[1].title',
			'more than one section',
		],
		[
			{
				...ok,
				sections: [
					{ title: 'A', rows: rows(1) },
					{ title: 'B', rows: rows(1) },
				],
			},
			'interactive.action.sections[1].rows[0].id',
			'repeats the id of sections[0].rows[0]',
		],
	])('rejects %#, naming the field', (input, field, text) => {
		const e = errorOf(() => buildList(input as any));
		expect(e.field).toBe(field);
		expect(e.message).toContain(text);
	});

	it('explains non-list objects and wrong types', () => {
		expect(errorOf(() => buildInteractive({ body: 'x' })).field).toBe('interactive.type');
		expect(errorOf(() => buildInteractive('{nope')).message).toContain('not valid JSON');
		expect(errorOf(() => buildInteractive(42)).message).toContain('WhatsApp List');
		expect(
			errorOf(() =>
				buildInteractive({
					type: 'list',
					body: 'x',
					action: { button: 'b', sections: [{ rows: [{ id: 'a', title: 'b' }] }] },
					extra: 1,
				}),
			).message,
		).toContain('"extra"');
	});
});

describe('media', () => {
	it.each([
		[
			'image',
			{ link: 'https://x.org/a.jpg', caption: 'X-ray' },
			{ link: 'https://x.org/a.jpg', caption: 'X-ray' },
		],
		[
			'document',
			{ id: '998877', filename: 'report.pdf', caption: 'Report' },
			{ id: '998877', caption: 'Report', filename: 'report.pdf' },
		],
		['video', { link: 'https://x.org/v.mp4' }, { link: 'https://x.org/v.mp4' }],
		['audio', { id: '1' }, { id: '1' }],
		['sticker', { id: '2' }, { id: '2' }],
	] as const)('builds %s', (kind, input, expected) => {
		expect(buildMedia(kind, input)).toEqual({ type: kind, [kind]: expected });
	});
	it.each([
		['image', {}, 'image', 'no media'],
		['image', { link: 'https://x.org/a', id: '1' }, 'image', 'both'],
		['image', { link: 'not a url' }, 'image.link', 'http'],
		['image', { id: 'abc' }, 'image.id', 'media ID'],
		['audio', { id: '1', caption: 'hi' }, 'audio.caption', 'not supported'],
		['image', { id: '1', filename: 'a.png' }, 'image.filename', 'only used for documents'],
		['image', { id: '1', caption: 'c'.repeat(1025) }, 'image.caption', 'at most 1024'],
	] as const)('rejects %s (%#)', (kind, input, field, text) => {
		const e = errorOf(() => buildMedia(kind, input as any));
		expect(e.field).toBe(field);
		expect(e.message).toContain(text);
	});
});

describe('location, reaction, contacts, mark read', () => {
	it('builds a location and validates coordinates', () => {
		expect(
			buildLocation({
				latitude: '-23.5' as unknown as number,
				longitude: -46.6,
				name: 'Clinic',
				address: 'Rua A, 1',
			}),
		).toEqual({
			type: 'location',
			location: { latitude: -23.5, longitude: -46.6, name: 'Clinic', address: 'Rua A, 1' },
		});
		expect(errorOf(() => buildLocation({ latitude: 91, longitude: 0 })).field).toBe('location.latitude');
		expect(errorOf(() => buildLocation({ latitude: 0, longitude: 'x' as unknown as number })).field).toBe(
			'location.longitude',
		);
	});
	it('builds reactions, including un-react with an empty emoji', () => {
		expect(buildReaction({ message_id: 'wamid.A', emoji: '👍🏽' })).toEqual({
			type: 'reaction',
			reaction: { message_id: 'wamid.A', emoji: '👍🏽' },
		});
		expect(buildReaction({ message_id: 'wamid.A', emoji: '' }).reaction).toEqual({
			message_id: 'wamid.A',
			emoji: '',
		});
		expect(errorOf(() => buildReaction({ message_id: 'wamid.A', emoji: 'ok' })).field).toBe('reaction.emoji');
		expect(errorOf(() => buildReaction({ message_id: 'wamid.A', emoji: '👍👍' })).field).toBe(
			'reaction.emoji',
		);
		expect(errorOf(() => buildReaction({ message_id: 'abc', emoji: '👍' })).field).toBe(
			'reaction.message_id',
		);
	});
	it('builds a contact card', () => {
		expect(
			buildContacts([
				{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000', type: 'WORK' }] },
			]),
		).toEqual({
			type: 'contacts',
			contacts: [
				{ name: { formatted_name: 'Reception' }, phones: [{ phone: '+551130000000', type: 'WORK' }] },
			],
		});
		expect(errorOf(() => buildContacts([{ name: { formatted_name: '' } }])).field).toBe(
			'contacts[0].name.formatted_name',
		);
	});
	it('builds mark-as-read with typing indicator', () => {
		expect(buildMarkRead({ message_id: 'wamid.Z', typingIndicator: true })).toEqual({
			messaging_product: 'whatsapp',
			status: 'read',
			message_id: 'wamid.Z',
			typing_indicator: { type: 'text' },
		});
		expect(buildMarkRead({ message_id: 'wamid.Z' })).not.toHaveProperty('typing_indicator');
		expect(errorOf(() => buildMarkRead({ message_id: '123' })).field).toBe('message_id');
	});
});
