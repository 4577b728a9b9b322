/**
 * The patient chat page in headless Chromium: a template quick reply, an interactive reply button and a list
 * row tapped on the page reach the clinic's webhook as signed Meta webhooks with the right payloads.
 * Skips (with a message) when /usr/bin/chromium is missing; CI installs the Debian `chromium` package.
 */

import type { Browser } from 'playwright-core';

import type { Simulator, WebhookReceiver } from '../../../simulator';
import { messagesOf, startWebhookReceiver } from '../../../simulator';
import { CHROMIUM, hasChromium, startChromium } from '../../stack/chromium';
import { PATIENT, reminder, send, start } from './helpers';

if (!hasChromium) {
	console.warn(
		`chat-page.test.ts skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`,
	);
}
const suite = hasChromium ? describe : describe.skip;

suite('patient chat page (headless Chromium)', () => {
	let rx: WebhookReceiver;
	let sim: Simulator;
	let browser: Browser;

	beforeAll(async () => {
		rx = await startWebhookReceiver();
		sim = await start({ webhookUrl: rx.url });
		browser = await startChromium();
	}, 60000);
	afterAll(async () => {
		await browser?.close();
		await sim?.close();
		await rx?.close();
	});

	it('renders the clinic messages and sends taps as signed webhooks', async () => {
		// Read receipts come from the page: messages stay "delivered" until the patient has the chat open.
		await sim.configure({ autoRead: false });
		const template = await send(sim, reminder(PATIENT, 'en_US', {}) as Record<string, unknown>);
		const templateId = template.body.messages[0].id;
		// Give the first quick reply a custom payload, like a reminder workflow would.
		const withPayload = reminder(PATIENT) as any;
		withPayload.template.components.push({
			type: 'button',
			sub_type: 'quick_reply',
			index: 0,
			parameters: [{ type: 'payload', payload: 'CONFIRM:appt-42' }],
		});
		const second = await send(sim, withPayload);
		expect(second.status).toBe(200);
		const secondId = second.body.messages[0].id;

		// Lab results with a DOCUMENT header uploaded through the media API.
		const pdf = Buffer.from('%PDF-1.4 simulated lab report\n%%EOF');
		const form = new FormData();
		form.append('messaging_product', 'whatsapp');
		form.append('type', 'application/pdf');
		form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'results.pdf');
		const up = (await (
			await fetch(`${sim.url}/v23.0/${sim.phoneNumberId}/media`, {
				method: 'POST',
				headers: { Authorization: 'Bearer sim-token' },
				body: form,
			})
		).json()) as { id: string };
		const lab = await send(sim, {
			to: PATIENT,
			type: 'template',
			template: {
				name: 'lab_results_ready',
				language: { code: 'en_US' },
				components: [
					{
						type: 'header',
						parameters: [{ type: 'document', document: { id: up.id, filename: 'results.pdf' } }],
					},
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Maria' },
							{ type: 'text', text: 'March 10' },
						],
					},
				],
			},
		});
		expect(lab.status).toBe(200);

		const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
		try {
			await page.goto(`${sim.url}/?phone=${PATIENT}&name=Maria%20Silva`, { waitUntil: 'domcontentloaded' });
			await page
				.getByText('Hello Maria, this is a reminder of your appointment on March 12 at 09:30.', {
					exact: false,
				})
				.first()
				.waitFor();
			expect(await page.locator('[data-testid="clinic-message"]').count()).toBe(3);
			for (let i = 0; i < 50 && sim.messages().some((m) => m.status !== 'read'); i++)
				await new Promise((r) => setTimeout(r, 100));
			expect(sim.messages().map((m) => m.status)).toEqual(['read', 'read', 'read']);
			const docHref = await page.locator('a.doc', { hasText: 'results.pdf' }).getAttribute('href');
			const download = await page.request.get(new URL(docHref!, sim.url).toString());
			expect(Buffer.from(await download.body())).toEqual(pdf);
			expect(await page.locator('.header-text').first().textContent()).toBe('Appointment at Sim Clinic');

			// Tap "Confirm" under the second template (custom payload).
			await page
				.locator('.row.in')
				.nth(1)
				.locator('button[data-kind="quick-reply"]', { hasText: 'Confirm' })
				.click();
			const [tap] = await rx.waitFor(1, (w) => messagesOf(w).some((m) => m.type === 'button'), 15000);
			expect(tap.signatureValid).toBe(true);
			const tapMsg = messagesOf(tap)[0];
			expect(tapMsg.button).toEqual({ payload: 'CONFIRM:appt-42', text: 'Confirm' });
			expect(tapMsg.context).toEqual({ from: '15550100001', id: secondId });
			expect(tap.body.entry[0].changes[0].value.contacts[0].profile.name).toBe('Maria Silva');
			expect(templateId).not.toBe(secondId);

			// The tap opened the window: the clinic answers with reply buttons and a list.
			const buttons = await send(sim, {
				to: PATIENT,
				type: 'interactive',
				interactive: {
					type: 'button',
					body: { text: 'Thanks! Do you need a ride to the clinic?' },
					action: {
						buttons: [
							{ type: 'reply', reply: { id: 'ride-yes', title: 'Yes please' } },
							{ type: 'reply', reply: { id: 'ride-no', title: 'No, thanks' } },
						],
					},
				},
			});
			expect(buttons.status).toBe(200);
			const list = await send(sim, {
				to: PATIENT,
				type: 'interactive',
				interactive: {
					type: 'list',
					header: { type: 'text', text: 'Reschedule' },
					body: { text: 'Pick a new time' },
					footer: { text: 'Sim Clinic' },
					action: {
						button: 'See times',
						sections: [
							{ title: 'Monday', rows: [{ id: 'slot-mon-9', title: 'Mon 09:00', description: 'Dr. Silva' }] },
							{
								title: 'Tuesday',
								rows: [{ id: 'slot-tue-14', title: 'Tue 14:00', description: 'Dr. Costa' }],
							},
						],
					},
				},
			});
			expect(list.status).toBe(200);

			await page.locator('button[data-kind="reply-button"]', { hasText: 'No, thanks' }).click();
			const [reply] = await rx.waitFor(
				1,
				(w) => messagesOf(w).some((m) => m.interactive?.type === 'button_reply'),
				15000,
			);
			expect(messagesOf(reply)[0].interactive.button_reply).toEqual({ id: 'ride-no', title: 'No, thanks' });
			expect(messagesOf(reply)[0].context.id).toBe(buttons.body.messages[0].id);

			await page.locator('button[data-kind="open-list"]', { hasText: 'See times' }).click();
			await page.locator('.list-row[data-row-id="slot-tue-14"]').click();
			await page.locator('#list-send').click();
			const [picked] = await rx.waitFor(
				1,
				(w) => messagesOf(w).some((m) => m.interactive?.type === 'list_reply'),
				15000,
			);
			expect(messagesOf(picked)[0].interactive.list_reply).toEqual({
				id: 'slot-tue-14',
				title: 'Tue 14:00',
				description: 'Dr. Costa',
			});
			expect(picked.signatureValid).toBe(true);

			// Typing a text answer.
			await page.locator('#composer-text').fill('See you on Tuesday');
			await page.locator('#send-text').click();
			const [typed] = await rx.waitFor(1, (w) => messagesOf(w).some((m) => m.type === 'text'), 15000);
			expect(messagesOf(typed)[0].text).toEqual({ body: 'See you on Tuesday' });

			await page.getByText('See you on Tuesday').waitFor();
			await page.screenshot({ path: '/tmp/simulator-chat-page.png' });
		} finally {
			await page.close();
		}
	}, 60000);
});
