import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A "now" for tests that run fixtures through the trigger: every fixture event (2025-06-08 … 2025-06-15) is
 * within Meta's 7-day retry window at this instant, so none is dropped as too old ("Max Event Age").
 */
export const FIXTURE_NOW_MS = Date.parse('2025-06-15T01:13:20Z');

export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'webhooks');

/** The fixture's bytes exactly as stored (what Meta would POST). */
export function fixtureBytes(name: string): Buffer {
	return readFileSync(join(FIXTURE_DIR, `${name}.json`));
}

export function fixtureJson<T = any>(name: string): T {
	return JSON.parse(fixtureBytes(name).toString('utf8')) as T;
}

export function fixtureNames(): string[] {
	return readdirSync(FIXTURE_DIR)
		.filter((f) => f.endsWith('.json'))
		.map((f) => f.slice(0, -5))
		.sort();
}
