/**
 * Clinic scheduling rules for the built-in backend: a zod schema (errors name the exact field, e.g.
 * `practitioners[1].openingHours.mon[0].end`) and the parser used by the node for the JSON parameter.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';

import { SchedulingInputError } from './types';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;

export function hhmmToMinutes(value: string): number {
	const [h, m] = value.split(':').map(Number);
	return h * 60 + m;
}

const time = z.string().regex(HHMM, 'expected a time as HH:mm (00:00–24:00), e.g. "08:30"');

const interval = z
	.object({ start: time, end: time })
	.strict()
	.refine((v) => hhmmToMinutes(v.start) < hhmmToMinutes(v.end), {
		message: 'end must be later than start (intervals cannot cross midnight; split them)',
		path: ['end'],
	});

const dayIntervals = z.array(interval).superRefine((list, ctx) => {
	const sorted = list
		.map((v, i) => ({ ...v, i }))
		.sort((a, b) => hhmmToMinutes(a.start) - hhmmToMinutes(b.start));
	for (let k = 1; k < sorted.length; k++) {
		if (hhmmToMinutes(sorted[k].start) < hhmmToMinutes(sorted[k - 1].end)) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: `overlaps ${sorted[k - 1].start}–${sorted[k - 1].end}; merge the two intervals`,
				path: [sorted[k].i, 'start'],
			});
		}
	}
});

const weeklyHours = z
	.object(
		Object.fromEntries(WEEKDAYS.map((d) => [d, dayIntervals.optional()])) as Record<
			Weekday,
			z.ZodOptional<typeof dayIntervals>
		>,
	)
	.strict();
export type WeeklyHours = Partial<Record<Weekday, Array<{ start: string; end: string }>>>;

const breakRule = z
	.object({
		days: z.array(z.enum(WEEKDAYS)).optional(),
		start: time,
		end: time,
		label: z.string().optional(),
	})
	.strict()
	.refine((v) => hhmmToMinutes(v.start) < hhmmToMinutes(v.end), {
		message: 'end must be later than start',
		path: ['end'],
	});

const closure = z
	.object({
		/** One whole local day, "2025-12-25". */
		date: z.string().regex(DATE, 'expected a date as YYYY-MM-DD').optional(),
		/** Or a local range: "2025-12-24" / "2025-12-24T13:00" … "2025-12-26" (end date inclusive for date-only). */
		start: z
			.string()
			.regex(LOCAL_DATETIME, 'expected YYYY-MM-DD or YYYY-MM-DDTHH:mm (clinic local time)')
			.optional(),
		end: z
			.string()
			.regex(LOCAL_DATETIME, 'expected YYYY-MM-DD or YYYY-MM-DDTHH:mm (clinic local time)')
			.optional(),
		reason: z.string().optional(),
	})
	.strict()
	.superRefine((v, ctx) => {
		if (!v.date && !(v.start && v.end)) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: 'give either "date" or both "start" and "end"',
				path: ['date'],
			});
		}
		if (v.start && v.end && v.end < v.start) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'end must not be before start', path: ['end'] });
		}
	});

const id = z
	.string()
	.min(1, 'must not be empty')
	.max(64, 'at most 64 characters')
	.regex(/^[A-Za-z0-9._-]+$/, 'use only letters, digits, ".", "_" or "-"');

const service = z
	.object({
		id,
		name: z.string().min(1).max(60),
		durationMinutes: z.number().int().min(5).max(600),
		practitionerIds: z.array(id).optional(),
	})
	.strict();

const practitioner = z
	.object({
		id,
		name: z.string().min(1).max(60),
		location: z.string().max(100).optional(),
		serviceIds: z.array(id).optional(),
		openingHours: weeklyHours.optional(),
		breaks: z.array(breakRule).optional(),
		closures: z.array(closure).optional(),
	})
	.strict();

export const clinicRulesSchema = z
	.object({
		timeZone: z.string().refine((v) => IANAZone.isValidZone(v), {
			message: 'not an IANA time zone; use e.g. "America/Sao_Paulo", "Europe/Lisbon"',
		}),
		location: z.string().max(100).optional(),
		slotGranularityMinutes: z.number().int().min(5).max(240).default(15),
		bufferBeforeMinutes: z.number().int().min(0).max(240).default(0),
		bufferAfterMinutes: z.number().int().min(0).max(240).default(0),
		minimumNoticeMinutes: z
			.number()
			.int()
			.min(0)
			.max(60 * 24 * 30)
			.default(60),
		bookingHorizonDays: z.number().int().min(1).max(366).default(60),
		openingHours: weeklyHours.optional(),
		breaks: z.array(breakRule).default([]),
		closures: z.array(closure).default([]),
		services: z.array(service).min(1, 'add at least one service'),
		practitioners: z.array(practitioner).min(1, 'add at least one practitioner'),
	})
	.strict()
	.superRefine((rules, ctx) => {
		const serviceIds = new Set<string>();
		rules.services.forEach((s, i) => {
			if (serviceIds.has(s.id))
				ctx.addIssue({
					code: 'custom',
					message: `duplicate service id "${s.id}"`,
					path: ['services', i, 'id'],
				});
			serviceIds.add(s.id);
		});
		const practitionerIds = new Set<string>();
		rules.practitioners.forEach((p, i) => {
			if (practitionerIds.has(p.id)) {
				ctx.addIssue({
					code: 'custom',
					message: `duplicate practitioner id "${p.id}"`,
					path: ['practitioners', i, 'id'],
				});
			}
			practitionerIds.add(p.id);
			if (!p.openingHours && !rules.openingHours) {
				ctx.addIssue({
					code: 'custom',
					message: 'required when the clinic has no top-level openingHours',
					path: ['practitioners', i, 'openingHours'],
				});
			}
			p.serviceIds?.forEach((sid, k) => {
				if (!rules.services.some((s) => s.id === sid)) {
					ctx.addIssue({
						code: 'custom',
						message: `unknown service id "${sid}"`,
						path: ['practitioners', i, 'serviceIds', k],
					});
				}
			});
		});
		rules.services.forEach((s, i) =>
			s.practitionerIds?.forEach((pid, k) => {
				if (!practitionerIds.has(pid)) {
					ctx.addIssue({
						code: 'custom',
						message: `unknown practitioner id "${pid}"`,
						path: ['services', i, 'practitionerIds', k],
					});
				}
			}),
		);
	});

export type ClinicRules = z.output<typeof clinicRulesSchema>;
export type ClinicRulesInput = z.input<typeof clinicRulesSchema>;

/** `practitioners[0].openingHours.mon[1].end` from a zod path. */
export function formatPath(path: Array<string | number>): string {
	let out = '';
	for (const part of path) {
		if (typeof part === 'number') out += `[${part}]`;
		else out += out ? `.${part}` : part;
	}
	return out || '(root)';
}

/** Validates rules (object or JSON text). Throws SchedulingInputError naming the first bad field(s). */
export function parseClinicRules(input: unknown): ClinicRules {
	let value = input;
	if (typeof input === 'string') {
		let problem: string | undefined;
		try {
			value = JSON.parse(input);
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem !== undefined)
			throw new SchedulingInputError(`Clinic rules are not valid JSON: ${problem}`, 'rules');
	}
	const result = clinicRulesSchema.safeParse(value);
	if (!result.success) {
		const issues = result.error.issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`);
		const field = formatPath(result.error.issues[0].path);
		throw new SchedulingInputError(`Invalid clinic rules: ${issues.join('; ')}`, field);
	}
	return result.data;
}
