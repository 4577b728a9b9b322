/** Headless Chromium for the scenarios that look at a page (the one launcher: test/stack/chromium.ts). */
import type { Browser } from 'playwright-core';

import { CHROMIUM, hasChromium, startChromium } from '../../stack/chromium';
import { assert, type ScenarioContext } from '../scenario';

export { CHROMIUM, hasChromium };

/** A headless browser, closed after the scenario. */
export async function launchChromium(ctx: ScenarioContext): Promise<Browser> {
	assert(hasChromium, `${CHROMIUM} not found: apt-get install -y chromium`);
	const browser = await startChromium();
	ctx.defer(async () => await browser.close());
	return browser;
}
