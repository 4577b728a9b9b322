import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
