/** Headless Chromium for the scenarios that look at a page (playwright-core, the system's /usr/bin/chromium). */
import { existsSync } from 'node:fs';

import { chromium, type Browser } from 'playwright-core';

import { assert, type ScenarioContext } from '../scenario';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A headless browser, closed after the scenario. */
export async function launchChromium(ctx: ScenarioContext): Promise<Browser> {
	assert(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium`);
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
		],
	});
	ctx.defer(async () => await browser.close());
	return browser;
}
