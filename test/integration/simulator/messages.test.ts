/** Contract tests: POST /{phone-number-id}/messages validation and success shapes, like Meta's Cloud API. */
import type { Simulator } from '../../../simulator';
import { expectGraphError, graph, PATIENT, PHONE_ID, reminder, send, start, text } from './helpers';

let sim: Simulator;

beforeAll(async () => {
	sim = await start({ deliveryErrors: 'sync' });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

async function openWindow(from = PATIENT): Promise<string> {
	const r = await sim.inbound({ from, name: 'Maria', type: 'text', text: 'Hi' });
	return r.messageId;
}

describe('authentication and versions', () => {
	it('rejects a missing or wrong token with 401 / code 190 OAuthException', async () => {
		const missing = await graph(sim, 'POST', `${PHONE_ID}/messages`, text(PATIENT), null);
		expectGraphError(missing, 401, 190);
		const wrong = await graph(sim, 'GET', PHONE_ID, undefined, 'not-the-token');
		expectGraphError(wrong, 401, 190);
		expect(wrong.body.error.type).toBe('OAuthException');
		expect(wrong.body.error.message).toMatch(/access token/i);
	});

	it('accepts v13.0 to v26.0 and refuses other versions', async () => {
		for (const v of ['v13.0', 'v19.0', 'v26.0']) {
			expect((await graph(sim, 'GET', PHONE_ID, undefined, 'sim-token', v)).status).toBe(200);
		}
		expectGraphError(await graph(sim, 'GET', PHONE_ID, undefined, 'sim-token', 'v12.0'), 400, 2500);
		expectGraphError(await graph(sim, 'GET', PHONE_ID, undefined, 'sim-token', 'v27.0'), 400, 2500);
	});

	it('accepts the token as access_token query parameter too', async () => {
		const res = await fetch(`${sim.url}/v23.0/${PHONE_ID}?access_token=sim-token`);
		expect(res.status).toBe(200);
	});
});

describe('templates', () => {
	it('accepts a valid positional template with Meta success shape and message_status accepted', async () => {
		const r = await send(sim, reminder('+55 11 98765-4321', 'pt_BR'));
		expect(r.status).toBe(200);
		expect(r.body).toEqual({
			messaging_product: 'whatsapp',
			contacts: [{ input: '+55 11 98765-4321', wa_id: PATIENT }],
			messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/=_-]{20,}$/), message_status: 'accepted' }],
		});
		const [msg] = sim.messages({ to: PATIENT });
		expect(msg).toEqual(
			expect.objectContaining({
				templateName: 'appointment_reminder',
				templateLanguage: 'pt_BR',
				category: 'utility',
			}),
		);
		expect((msg.rendered as any).body).toBe(
			'Olá Maria, lembramos da sua consulta em March 12 às 09:30. Confirme, cancele ou remarque abaixo.',
		);
		expect((msg.rendered as any).header).toEqual({ type: 'text', text: 'Consulta na Sim Clinic' });
		expect((msg.rendered as any).buttons.map((b: any) => b.text)).toEqual([
			'Confirmar',
			'Cancelar',
			'Remarcar',
		]);
	});

	it('gives every accepted message a unique wamid', async () => {
		const ids = new Set<string>();
		for (let i = 0; i < 20; i++)
			ids.add((await send(sim, reminder(`55119876543${String(i).padStart(2, '0')}`))).body.messages[0].id);
		expect(ids.size).toBe(20);
	});

	it('132001 for an unknown name, an unknown language, or a REJECTED template (HTTP 404)', async () => {
		const unknown = await send(sim, {
			...reminder(PATIENT),
			template: { name: 'nope', language: { code: 'en_US' } },
		});
		expect(expectGraphError(unknown, 404, 132001)).toBe('template name (nope) does not exist in en_US');
		const lang = await send(sim, reminder(PATIENT, 'fr_FR'));
		expect(expectGraphError(lang, 404, 132001)).toContain('fr_FR');
		const rejected = await send(sim, {
			to: PATIENT,
			type: 'template',
			template: {
				name: 'discount_offer',
				language: { code: 'en_US' },
				components: [{ type: 'body', parameters: [{ type: 'text', text: 'A' }] }],
			},
		});
		expectGraphError(rejected, 404, 132001);
	});

	it('132015 for a PAUSED template', async () => {
		const r = await send(sim, {
			to: PATIENT,
			type: 'template',
			template: {
				name: 'flu_vaccine_campaign',
				language: { code: 'es' },
				components: [{ type: 'body', parameters: [{ type: 'text', text: 'A' }] }],
			},
		});
		expectGraphError(r, 400, 132015);
	});

	it('132000 when the body or header parameter count does not match', async () => {
		const payload = reminder(PATIENT) as any;
		payload.template.components[1].parameters.pop();
		const r = await send(sim, payload);
		expect(expectGraphError(r, 400, 132000)).toBe(
			'body: number of localizable_params (2) does not match the expected number of params (3)',
		);
		const noHeader = reminder(PATIENT) as any;
		noHeader.template.components.shift();
		expect(expectGraphError(await send(sim, noHeader), 400, 132000)).toMatch(/^header: .*\(0\).*\(1\)/);
	});

	it('named templates need matching parameter_name values', async () => {
		const base = {
			to: PATIENT,
			type: 'template',
			template: {
				name: 'appointment_confirmation',
				language: { code: 'en_US' },
				components: [
					{
						type: 'body',
						parameters: [
							{ type: 'text', parameter_name: 'first_name', text: 'Maria' },
							{ type: 'text', parameter_name: 'doctor_name', text: 'Dr. Silva' },
							{ type: 'text', parameter_name: 'appointment_date', text: 'March 12' },
							{ type: 'text', parameter_name: 'appointment_time', text: '09:30' },
						],
					},
				],
			},
		};
		const okRes = await send(sim, base);
		expect(okRes.status).toBe(200);
		expect((sim.messages()[0].rendered as any).body).toBe(
			'Hi Maria, your appointment with Dr. Silva is confirmed for March 12 at 09:30.',
		);
		const wrongName = JSON.parse(JSON.stringify(base));
		wrongName.template.components[0].parameters[1].parameter_name = 'doctor';
		expect(expectGraphError(await send(sim, wrongName), 400, 132000)).toContain('doctor_name');
		const missingName = JSON.parse(JSON.stringify(base));
		delete missingName.template.components[0].parameters[0].parameter_name;
		expect(expectGraphError(await send(sim, missingName), 400, 100)).toContain('parameter_name');
	});

	it('132012 when a DOCUMENT header is missing or of the wrong type; accepts a document link', async () => {
		const body = {
			type: 'body',
			parameters: [
				{ type: 'text', text: 'Maria' },
				{ type: 'text', text: 'March 10' },
			],
		};
		const tpl = (components: unknown[]) => ({
			to: PATIENT,
			type: 'template',
			template: { name: 'lab_results_ready', language: { code: 'en_US' }, components },
		});
		expect(expectGraphError(await send(sim, tpl([body])), 400, 132012)).toBe(
			'header: Format mismatch, expected DOCUMENT, received UNKNOWN',
		);
		const image = {
			type: 'header',
			parameters: [{ type: 'image', image: { link: 'https://x.example/a.png' } }],
		};
		expect(expectGraphError(await send(sim, tpl([image, body])), 400, 132012)).toBe(
			'header: Format mismatch, expected DOCUMENT, received IMAGE',
		);
		const doc = {
			type: 'header',
			parameters: [
				{ type: 'document', document: { link: 'https://x.example/report.pdf', filename: 'report.pdf' } },
			],
		};
		const r = await send(sim, tpl([doc, body]));
		expect(r.status).toBe(200);
		expect((sim.messages()[0].rendered as any).header).toEqual({
			type: 'document',
			url: 'https://x.example/report.pdf',
			filename: 'report.pdf',
		});
		const badId = { type: 'header', parameters: [{ type: 'document', document: { id: '999' } }] };
		expect(expectGraphError(await send(sim, tpl([badId, body])), 400, 131009)).toContain(
			'not a valid whatsapp business account media attachment ID',
		);
		const badLink = { type: 'header', parameters: [{ type: 'document', document: { link: 'ftp:/nope' } }] };
		expect(expectGraphError(await send(sim, tpl([badLink, body])), 400, 100)).toContain(
			'is not a valid URI.',
		);
	});

	it('checks button parameters: quick_reply payload, dynamic URL suffix, copy_code', async () => {
		const qr = reminder(PATIENT) as any;
		qr.template.components.push({
			type: 'button',
			sub_type: 'quick_reply',
			index: '1',
			parameters: [{ type: 'payload', payload: 'CANCEL-42' }],
		});
		expect((await send(sim, qr)).status).toBe(200);
		expect((sim.messages()[0].rendered as any).buttons[1]).toEqual({
			type: 'QUICK_REPLY',
			text: 'Cancel',
			payload: 'CANCEL-42',
		});

		const wrongSub = reminder(PATIENT) as any;
		wrongSub.template.components.push({
			type: 'button',
			sub_type: 'url',
			index: '0',
			parameters: [{ type: 'text', text: 'x' }],
		});
		expectGraphError(await send(sim, wrongSub), 400, 131009);
		const outOfRange = reminder(PATIENT) as any;
		outOfRange.template.components.push({
			type: 'button',
			sub_type: 'quick_reply',
			index: 5,
			parameters: [],
		});
		expectGraphError(await send(sim, outOfRange), 400, 131009);

		const tele = (buttons: unknown[]) => ({
			to: PATIENT,
			type: 'template',
			template: {
				name: 'telemedicine_link',
				language: { code: 'es' },
				components: [
					{
						type: 'body',
						parameters: ['Maria', 'Dr. Silva', '14:00'].map((t) => ({ type: 'text', text: t })),
					},
					...buttons,
				],
			},
		});
		expectGraphError(await send(sim, tele([])), 400, 132000);
		const okTele = await send(
			sim,
			tele([{ type: 'button', sub_type: 'url', index: 0, parameters: [{ type: 'text', text: 'room-77' }] }]),
		);
		expect(okTele.status).toBe(200);
		expect((sim.messages({ template: 'telemedicine_link' })[0].rendered as any).buttons[0].url).toBe(
			'https://meet.clinic.example/join/room-77',
		);

		const code = (parameters: unknown[]) => ({
			to: PATIENT,
			type: 'template',
			template: {
				name: 'check_in_code',
				language: { code: 'en_US' },
				components: [
					{ type: 'body', parameters: [{ type: 'text', text: 'March 12' }] },
					{ type: 'button', sub_type: 'copy_code', index: 0, parameters },
				],
			},
		});
		expect((await send(sim, code([{ type: 'coupon_code', coupon_code: 'A1B2C3' }]))).status).toBe(200);
		expectGraphError(await send(sim, code([{ type: 'text', text: 'A1B2C3' }])), 400, 131009);
		expectGraphError(await send(sim, code([{ type: 'coupon_code', coupon_code: 'X'.repeat(16) }])), 400, 100);
	});

	it('132005 when the body with its parameters is longer than 1024 characters', async () => {
		const long = reminder(PATIENT) as any;
		long.template.components[1].parameters[0].text = 'M'.repeat(1000);
		expect(expectGraphError(await send(sim, long), 400, 132005)).toMatch(/1024/);
	});

	it('rejects text parameters with new lines and missing language/name', async () => {
		const nl = reminder(PATIENT) as any;
		nl.template.components[1].parameters[0].text = 'Maria\nSilva';
		expect(expectGraphError(await send(sim, nl), 400, 100)).toMatch(/new-line/);
		expectGraphError(await send(sim, { to: PATIENT, type: 'template', template: { name: 'x' } }), 400, 100);
		expectGraphError(
			await send(sim, { to: PATIENT, type: 'template', template: { language: { code: 'en_US' } } }),
			400,
			100,
		);
	});
});

describe('recipients and the 24 h window', () => {
	it('100 for a malformed number, 131026 for the "not on WhatsApp" prefix 999', async () => {
		expect(expectGraphError(await send(sim, reminder('12ab')), 400, 100)).toContain('to');
		expect(expectGraphError(await send(sim, reminder('123')), 400, 100)).toContain('to');
		expectGraphError(await send(sim, { type: 'text', text: { body: 'x' } }), 400, 100);
		expectGraphError(await send(sim, reminder('999123456789')), 400, 131026);
	});

	it('131047 for a non-template message without an inbound message in the last 24 h (simulated clock)', async () => {
		expectGraphError(await send(sim, text(PATIENT)), 400, 131047);
		await openWindow();
		expect((await send(sim, text(PATIENT))).status).toBe(200);
		sim.advanceClock(23 * 3600 * 1000);
		expect((await send(sim, text(PATIENT))).status).toBe(200);
		sim.advanceClock(1 * 3600 * 1000 + 1);
		expectGraphError(await send(sim, text(PATIENT)), 400, 131047);
		// Templates are allowed outside the window.
		expect((await send(sim, reminder(PATIENT))).status).toBe(200);
	});

	it('accepts a BSUID recipient (to or recipient) for username users', async () => {
		await sim.inbound({
			userId: 'BR.998877665544',
			username: '@maria',
			name: 'Maria',
			type: 'text',
			text: 'oi',
		});
		const r = await send(sim, { to: 'BR.998877665544', type: 'text', text: { body: 'Olá' } });
		expect(r.status).toBe(200);
		expect(r.body.contacts).toEqual([{ input: 'BR.998877665544', user_id: 'BR.998877665544' }]);
		const r2 = await send(sim, { recipient: 'BR.998877665544', type: 'text', text: { body: 'Olá' } });
		expect(r2.status).toBe(200);
	});
});

describe('non-template types', () => {
	beforeEach(async () => {
		await openWindow();
	});

	it('text: body required, at most 4096 characters', async () => {
		expect((await send(sim, text(PATIENT, 'x'.repeat(4096)))).status).toBe(200);
		expect(expectGraphError(await send(sim, text(PATIENT, 'x'.repeat(4097))), 400, 100)).toContain(
			"text['body']",
		);
		expectGraphError(await send(sim, { to: PATIENT, type: 'text', text: {} }), 400, 100);
		expectGraphError(await send(sim, { to: PATIENT, type: 'carrier_pigeon' }), 400, 100);
		expectGraphError(await graph(sim, 'POST', `${PHONE_ID}/messages`, text(PATIENT)), 400, 100); // no messaging_product
	});

	it('reply buttons: at most 3, titles 1..20 and unique, ids at most 256', async () => {
		const buttons = (list: Array<[string, string]>) => ({
			to: PATIENT,
			type: 'interactive',
			interactive: {
				type: 'button',
				body: { text: 'Confirm?' },
				action: { buttons: list.map(([id, title]) => ({ type: 'reply', reply: { id, title } })) },
			},
		});
		expect(
			(
				await send(
					sim,
					buttons([
						['yes', 'Yes'],
						['no', 'No'],
					]),
				)
			).status,
		).toBe(200);
		expect(
			expectGraphError(
				await send(
					sim,
					buttons([
						['a', 'A'],
						['b', 'B'],
						['c', 'C'],
						['d', 'D'],
					]),
				),
				400,
				131009,
			),
		).toContain("interactive['action']['buttons']");
		expect(expectGraphError(await send(sim, buttons([['a', 'x'.repeat(21)]])), 400, 131009)).toContain(
			"['reply']['title']",
		);
		expect(
			expectGraphError(
				await send(
					sim,
					buttons([
						['a', 'Same'],
						['b', 'Same'],
					]),
				),
				400,
				131009,
			),
		).toContain('unique');
		expect(expectGraphError(await send(sim, buttons([['a'.repeat(257), 'A']])), 400, 131009)).toContain(
			"['reply']['id']",
		);
		const longBody = buttons([['a', 'A']]) as any;
		longBody.interactive.body.text = 'x'.repeat(1025);
		expect(expectGraphError(await send(sim, longBody), 400, 100)).toContain("interactive['body']['text']");
		const longFooter = buttons([['a', 'A']]) as any;
		longFooter.interactive.footer = { text: 'x'.repeat(61) };
		expectGraphError(await send(sim, longFooter), 400, 100);
	});

	it('lists: ≤10 rows total, ≤10 sections, row title ≤24, description ≤72, button ≤20, header ≤60', async () => {
		const list = (rows: number, patch: (i: any) => void = () => {}) => {
			const interactive: any = {
				type: 'list',
				header: { type: 'text', text: 'Available slots' },
				body: { text: 'Pick a slot' },
				action: {
					button: 'See slots',
					sections: [
						{
							title: 'Morning',
							rows: Array.from({ length: rows }, (_, i) => ({
								id: `slot-${i}`,
								title: `Slot ${i}`,
								description: '30 min',
							})),
						},
					],
				},
			};
			patch(interactive);
			return { to: PATIENT, type: 'interactive', interactive };
		};
		expect((await send(sim, list(10))).status).toBe(200);
		expect(expectGraphError(await send(sim, list(11)), 400, 131009)).toContain('row count');
		expectGraphError(
			await send(
				sim,
				list(2, (i) => (i.action.sections[0].rows[0].title = 'x'.repeat(25))),
			),
			400,
			131009,
		);
		expectGraphError(
			await send(
				sim,
				list(2, (i) => (i.action.sections[0].rows[0].description = 'x'.repeat(73))),
			),
			400,
			131009,
		);
		expectGraphError(
			await send(
				sim,
				list(2, (i) => (i.action.button = 'x'.repeat(21))),
			),
			400,
			100,
		);
		expectGraphError(
			await send(
				sim,
				list(2, (i) => (i.header.text = 'x'.repeat(61))),
			),
			400,
			100,
		);
		expect(
			(
				await send(
					sim,
					list(2, (i) => (i.body.text = 'x'.repeat(4096))),
				)
			).status,
		).toBe(200);
		const sections = list(1, (i) => {
			i.action.sections = Array.from({ length: 11 }, (_, s) => ({
				title: `S${s}`,
				rows: [{ id: `r${s}`, title: 'r' }],
			}));
		});
		expectGraphError(await send(sim, sections), 400, 131009);
	});

	it('cta_url, media by link, location, reaction, contacts and reply context are accepted', async () => {
		const payloads = [
			{
				type: 'interactive',
				interactive: {
					type: 'cta_url',
					body: { text: 'Join' },
					action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://x.example' } },
				},
			},
			{ type: 'image', image: { link: 'https://x.example/a.png', caption: 'X-ray' } },
			{ type: 'document', document: { link: 'https://x.example/a.pdf', filename: 'a.pdf' } },
			{ type: 'video', video: { link: 'https://x.example/a.mp4' } },
			{ type: 'audio', audio: { link: 'https://x.example/a.ogg' } },
			{ type: 'sticker', sticker: { link: 'https://x.example/a.webp' } },
			{ type: 'location', location: { latitude: -23.55, longitude: -46.63, name: 'Clinic' } },
			{ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } },
			{
				type: 'contacts',
				contacts: [{ name: { formatted_name: 'Sim Clinic' }, phones: [{ phone: '+15550100001' }] }],
			},
			{ type: 'text', text: { body: 'reply' }, context: { message_id: 'wamid.X' } },
		];
		for (const p of payloads) {
			const r = await send(sim, { to: PATIENT, ...p });
			expect({ type: p.type, status: r.status }).toEqual({ type: p.type, status: 200 });
		}
		expect(sim.messages({ to: PATIENT }).map((m) => m.type)).toEqual(payloads.map((p) => p.type));
	});

	it('rejects invalid media, location and contacts payloads naming the field', async () => {
		expectGraphError(await send(sim, { to: PATIENT, type: 'image', image: {} }), 400, 131008);
		expectGraphError(await send(sim, { to: PATIENT, type: 'image', image: { id: '123' } }), 400, 131009);
		expectGraphError(
			await send(sim, {
				to: PATIENT,
				type: 'image',
				image: { link: 'https://x.example/a.png', caption: 'x'.repeat(1025) },
			}),
			400,
			100,
		);
		expect(
			expectGraphError(
				await send(sim, { to: PATIENT, type: 'location', location: { latitude: 100, longitude: 0 } }),
				400,
				100,
			),
		).toContain('latitude');
		expect(
			expectGraphError(
				await send(sim, { to: PATIENT, type: 'contacts', contacts: [{ name: {} }] }),
				400,
				100,
			),
		).toContain('formatted_name');
		expectGraphError(await send(sim, { to: PATIENT, type: 'reaction', reaction: { emoji: '👍' } }), 400, 100);
	});

	it('mark-as-read with typing indicator returns success for an inbound message id', async () => {
		const id = await openWindow();
		const r = await send(sim, { status: 'read', message_id: id, typing_indicator: { type: 'text' } });
		expect(r).toEqual({ status: 200, body: { success: true } });
		expectGraphError(await send(sim, { status: 'read', message_id: 'wamid.unknown' }), 400, 100);
		expectGraphError(await send(sim, { status: 'read' }), 400, 100);
	});
});

describe('delivery errors reported like Meta (webhook mode)', () => {
	it('accepts the message and reports 131047 / 131026 in a failed status instead of a 400', async () => {
		const webhookSim = await start({ deliveryErrors: 'webhook' });
		try {
			const outside = await send(webhookSim, text(PATIENT));
			expect(outside.status).toBe(200);
			const gone = await send(webhookSim, reminder('999123456789'));
			expect(gone.status).toBe(200);
			await webhookSim.idle();
			const [a] = webhookSim.messages({ to: PATIENT });
			const [b] = webhookSim.messages({ to: '999123456789' });
			expect(a.status).toBe('failed');
			expect((a.statuses as any)[0].errors[0].code).toBe(131047);
			expect((b.statuses as any)[0].errors[0].code).toBe(131026);
		} finally {
			await webhookSim.close();
		}
	});
});
