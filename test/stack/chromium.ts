/** Headless Chromium for tests and scenarios that look at a page (playwright-core, the system's /usr/bin/chromium). */
import { existsSync } from 'node:fs';

import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when the Chromium binary is installed (`apt-get install -y chromium`). */
export const hasChromium = existsSync(CHROMIUM);

/** A headless browser with background traffic off; the caller closes it. */
export async function startChromium(): Promise<Browser> {
	return await chromium.launch({
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
}
