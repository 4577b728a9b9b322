/**
 * The demo promise, in headless Chromium: a person books an appointment from the simulator's patient chat page
 * (workflow 01 in real n8n behind it), within a minute.
 */
import { assert, type Scenario } from '../scenario';
import { launchChromium } from './chromium';
import { WF, assertNoFailedExecutions, patientPhone } from './util';

export const chatPageScenario: Scenario = {
	name: 'chat-page-booking',
	description: 'Headless Chromium books an appointment from the patient chat page (demo path) in < 60 s',
	requires: { nodes: ['whatsAppClinicTrigger', 'appointmentSlotLookup'] },
	async run(ctx) {
		const since = Date.now();
		const phone = patientPhone();
		const browser = await launchChromium(ctx);
		const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
		await page.goto(`${ctx.sim.url}/?phone=${phone}&name=Ana%20Pereira`, { waitUntil: 'domcontentloaded' });
		const t0 = Date.now();
		const type = async (text: string) => {
			await page.locator('#composer-text').fill(text);
			await page.locator('#send-text').click();
		};
		const clinicCount = () => page.locator('[data-testid="clinic-message"]').count();
		const waitForClinic = async (n: number) =>
			page.waitForFunction(
				(k) => (globalThis as any).document.querySelectorAll('[data-testid="clinic-message"]').length >= k,
				n,
				{ timeout: 30_000 },
			);

		await type('Hello');
		await waitForClinic(1);
		await page.locator('button[data-kind="reply-button"]', { hasText: 'Book appointment' }).last().click();
		await waitForClinic(2);
		await type('Ana Pereira');
		await waitForClinic(3);
		await type('12/07/1991');
		await waitForClinic(4);
		await type('Bradesco Saude');
		await waitForClinic(5);
		await page.locator('button[data-kind="open-list"]').last().click();
		await page.locator('.list-row').first().click();
		await page.locator('#list-send').click();
		await waitForClinic(6);
		await page
			.getByText(/is confirmed for/)
			.last()
			.waitFor({ timeout: 30_000 });
		const seconds = (Date.now() - t0) / 1000;
		ctx.log(`booked from the chat page in ${seconds.toFixed(1)} s (${await clinicCount()} clinic messages)`);
		assert(seconds < 60, `booking took ${seconds.toFixed(1)} s (> 60 s)`);
		const sent = await ctx.sim.messages({ to: phone });
		assert(
			sent.some((m) => m.templateName === 'appointment_confirmation'),
			'the simulator accepted the confirmation template',
		);
		await assertNoFailedExecutions(ctx, [WF.inbox], since);
	},
};
