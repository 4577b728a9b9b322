/**
 * Conformance: every real webhook body other projects test with (pywa, the kapso Cloud API client, n8n's own
 * WhatsApp Trigger; origins in SOURCES.md of the folder) gives one typed item per event Meta's docs describe, loses
 * no value of the payload, and never emits `""`. The bodies are read from ../shared/fixtures/peer-webhooks next to
 * the repository (never copied into it); without that folder this suite fails instead of skipping.
 *
 * Expectations per file (peer-expectations.ts) are written from Meta's webhook references (`doc`: the pages cited in
 * docs/webhook-events.md), not from this parser's output.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { ClinicEvent } from '../../../core/webhook/events';
import { EVENT_FILTER_VALUES, eventFilterKey } from '../../../core/webhook/filter';
import { parseEvents } from '../../../core/webhook/parse';
import { unixToIso } from '../../../core/webhook/wire-values';
import { PEER_EXPECTATIONS, type PeerExpectation } from './peer-expectations';

/** The repository's sibling `../shared` (as in /work: main/ and shared/ side by side; CI checks it out the same way). */
const PEER_DIR = resolve(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'peer-webhooks');

if (!existsSync(PEER_DIR)) {
	throw new Error(
		`Peer webhook fixtures not found at ${PEER_DIR}. This conformance test reads them from ../shared/fixtures/peer-webhooks next to the repository (see SOURCES.md there); check that folder out instead of skipping the test.`,
	);
}

const FILES = readdirSync(PEER_DIR)
	.filter((f) => f.endsWith('.json'))
	.sort();

function eventsOf(file: string): ClinicEvent[] {
	const result = parseEvents(readFileSync(join(PEER_DIR, file)));
	if (!result.ok) throw new Error(`${file} did not parse: ${result.reason}`);
	return result.events;
}

type Leaf = { path: string; value: string | number };

/** Every string and number of a JSON value with its path (booleans and nulls carry nothing to lose here). */
function leaves(value: unknown, path = '', out: Leaf[] = []): Leaf[] {
	if (typeof value === 'string' || typeof value === 'number') out.push({ path, value });
	else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
	}
	return out;
}

/** Keys whose values the parser turns into ISO-8601 times. */
const TIME_KEY = /(^|_)(timestamp|time)$|expiration_timestamp$/;
/** Envelope constants that are not data: the object type and the product name. */
const ENVELOPE_PATHS = /^object$|\.messaging_product$/;

/** The payload's values that appear nowhere in the emitted items (as given, as a number, or as an ISO time). */
function lostValues(payload: unknown, events: ClinicEvent[], notWebhook: readonly string[] = []): string[] {
	const emitted = new Set(leaves(events).map((l) => String(l.value)));
	return leaves(payload)
		.filter(({ path }) => !ENVELOPE_PATHS.test(path) && !notWebhook.some((k) => path.startsWith(`${k}.`)))
		.filter(({ value }) => value !== '')
		.filter(({ path, value }) => {
			if (emitted.has(String(value))) return false;
			const key =
				path
					.replace(/\[\d+\]$/, '')
					.split('.')
					.pop() ?? '';
			const iso = TIME_KEY.test(key) ? unixToIso(value) : null;
			return !(iso && emitted.has(iso));
		})
		.map(({ path, value }) => `${path} = ${JSON.stringify(value)}`);
}

/** Paths of empty strings and undefined values in the items (absent values must be null). */
function emptyValues(value: unknown, path = '', out: string[] = []): string[] {
	if (value === '' || value === undefined) out.push(path);
	else if (Array.isArray(value)) value.forEach((v, i) => emptyValues(v, `${path}[${i}]`, out));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) emptyValues(v, path ? `${path}.${k}` : k, out);
	}
	return out;
}

const kindOf = (e: ClinicEvent) =>
	e.event === 'message' || e.event === 'echo' ? `${e.event}:${e.type}` : e.event;

describe('peer webhook fixtures (../shared/fixtures/peer-webhooks)', () => {
	it('holds the 66 bodies listed in SOURCES.md, each with written expectations', () => {
		expect(FILES).toHaveLength(66);
		expect(FILES).toEqual(Object.keys(PEER_EXPECTATIONS).sort());
		const sources = readFileSync(join(PEER_DIR, 'SOURCES.md'), 'utf8');
		for (const file of FILES) expect(sources).toContain(`| ${file} |`);
	});

	describe.each(FILES.map((f) => [f, PEER_EXPECTATIONS[f]] as [string, PeerExpectation]))(
		'%s',
		(file, expected) => {
			const events = eventsOf(file);

			it(`one item per event (${expected.events.length}) of the kinds Meta documents (${expected.doc.join(', ')})`, () => {
				expect(events.map(kindOf)).toEqual(expected.events.map((e) => e.kind));
			});

			it('typed fields as Meta documents them', () => {
				const fields = expected.events.map((e) => {
					const typed: Record<string, unknown> = { ...e };
					delete typed.kind;
					return typed;
				});
				expect(events).toMatchObject(fields);
			});

			it('keeps every value of the payload', () => {
				const payload: unknown = JSON.parse(readFileSync(join(PEER_DIR, file), 'utf8'));
				expect(lostValues(payload, events, expected.notWebhook)).toEqual([]);
			});

			it('absent values are null, never "" or undefined; every item can be selected in the trigger', () => {
				expect(emptyValues(events)).toEqual([]);
				for (const e of events) {
					expect(EVENT_FILTER_VALUES).toContain(eventFilterKey(e));
					expect(e).toEqual(expect.objectContaining({ field: expect.any(String) }));
					expect(e.wabaId).not.toBeUndefined();
				}
			});
		},
	);

	it('emits one item per documented event across all files', () => {
		const emitted = FILES.reduce((n, f) => n + eventsOf(f).length, 0);
		const expected = FILES.reduce((n, f) => n + PEER_EXPECTATIONS[f].events.length, 0);
		expect(emitted).toBe(expected);
		expect(expected).toBe(93);
	});
});
