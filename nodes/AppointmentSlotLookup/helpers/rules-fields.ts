/** Clinic rules from the node's "Rules" fields (the JSON parameter is parsed by core/scheduling/rules.ts). */
import type { IDataObject } from 'n8n-workflow';

import { WEEKDAYS, type Weekday } from '../../../core/scheduling/rules';

type Row = IDataObject;

const list = (collection: unknown, key: string): Row[] =>
	((collection as IDataObject | undefined)?.[key] as Row[]) ?? [];

const csv = (value: unknown): string[] =>
	String(value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);

const days = (value: unknown): Weekday[] =>
	(Array.isArray(value) ? value : csv(value))
		.map(String)
		.filter((d): d is Weekday => WEEKDAYS.includes(d as Weekday));

/** Builds the rules object (validated afterwards by `parseClinicRules`, which names bad fields). */
export function rulesFromFields(p: {
	timeZone: unknown;
	settings: IDataObject;
	openingHours: unknown;
	breaks: unknown;
	closures: unknown;
	services: unknown;
	practitioners: unknown;
}): Record<string, unknown> {
	const openingHours: Partial<Record<Weekday, Array<{ start: string; end: string }>>> = {};
	for (const row of list(p.openingHours, 'interval')) {
		for (const d of days(row.days))
			(openingHours[d] ??= []).push({ start: String(row.start ?? ''), end: String(row.end ?? '') });
	}
	const s = p.settings ?? {};
	const num = (key: string) => (s[key] === undefined || s[key] === '' ? undefined : Number(s[key]));
	return {
		timeZone: String(p.timeZone ?? ''),
		...(s.location ? { location: String(s.location) } : {}),
		...(num('slotGranularityMinutes') !== undefined
			? { slotGranularityMinutes: num('slotGranularityMinutes') }
			: {}),
		...(num('bufferBeforeMinutes') !== undefined ? { bufferBeforeMinutes: num('bufferBeforeMinutes') } : {}),
		...(num('bufferAfterMinutes') !== undefined ? { bufferAfterMinutes: num('bufferAfterMinutes') } : {}),
		...(num('minimumNoticeMinutes') !== undefined
			? { minimumNoticeMinutes: num('minimumNoticeMinutes') }
			: {}),
		...(num('bookingHorizonDays') !== undefined ? { bookingHorizonDays: num('bookingHorizonDays') } : {}),
		openingHours,
		breaks: list(p.breaks, 'break').map((b) => ({
			...(days(b.days).length ? { days: days(b.days) } : {}),
			start: String(b.start ?? ''),
			end: String(b.end ?? ''),
		})),
		closures: list(p.closures, 'closure').map((c) => ({
			start: String(c.start ?? '').trim(),
			end: String(c.end || c.start || '').trim(),
			...(c.reason ? { reason: String(c.reason) } : {}),
		})),
		services: list(p.services, 'service').map((x) => ({
			id: String(x.id ?? '').trim(),
			name: String(x.name ?? '').trim(),
			durationMinutes: Number(x.durationMinutes),
		})),
		practitioners: list(p.practitioners, 'practitioner').map((x) => ({
			id: String(x.id ?? '').trim(),
			name: String(x.name ?? '').trim(),
			...(x.location ? { location: String(x.location) } : {}),
			...(csv(x.serviceIds).length ? { serviceIds: csv(x.serviceIds) } : {}),
		})),
	};
}
