import {
	eventFilterKey,
	matchesPhoneNumber,
	parsePhoneNumberFilter,
	selectEvents,
} from '../../../core/webhook/filter';
import type { ClinicEvent } from '../../../core/webhook/events';
import { parseEvents } from '../../../core/webhook/parse';
import { fixtureBytes } from './fixtures';

function eventsOf(...names: string[]): ClinicEvent[] {
	return names.flatMap((n) => {
		const r = parseEvents(fixtureBytes(n));
		if (!r.ok) throw new Error(r.reason);
		return r.events;
	});
}

describe('event filters', () => {
	const all = eventsOf(
		'batch-multi-entry',
		'status-failed',
		'status-played',
		'template-status-update',
		'value-errors',
		'user-preferences',
	);

	it('keys', () => {
		expect(all.map(eventFilterKey)).toEqual([
			'message',
			'message',
			'status.delivered',
			'status.read',
			'message',
			'status.failed',
			'status.played',
			'template_update',
			'error',
			'user_preference',
		]);
	});

	it('selects by kind and phone number; WABA-level updates ignore the number filter', () => {
		const sel = (kinds: string[], phones: string) =>
			selectEvents(all, {
				kinds: new Set(kinds),
				phoneNumbers: parsePhoneNumberFilter(phones, '106540352242922'),
			});
		expect(sel(['message'], '').map((e) => e.event)).toEqual(['message', 'message']);
		expect(sel(['message'], '*')).toHaveLength(3);
		expect(sel(['message'], '209876543210987')).toHaveLength(1);
		expect(sel(['status.failed'], '')).toHaveLength(1);
		expect(sel(['status.read', 'status.delivered'], '')).toHaveLength(2);
		expect(sel(['template_update'], '999')).toHaveLength(1);
		expect(sel([], '*')).toHaveLength(0);
	});

	it('parses phone number lists', () => {
		expect(parsePhoneNumberFilter(' 1, 2\n3 ', 'x')).toEqual({ kind: 'only', ids: new Set(['1', '2', '3']) });
		expect(parsePhoneNumberFilter('', '')).toEqual({ kind: 'all' });
		expect(parsePhoneNumberFilter('1,*', 'x')).toEqual({ kind: 'all' });
		expect(matchesPhoneNumber(all[4], parsePhoneNumberFilter('', '106540352242922'))).toBe(false);
	});
});
