/**
 * The `calling` settings of a business phone number (POST /{phone-number-id}/settings; Meta: …/whatsapp/calling/
 * reference, "Configure or update calling settings"), built from plain input with every value checked first:
 *
 * - `status` ENABLED / DISABLED: the call button in the chat and the business profile;
 * - `call_icon_visibility` DEFAULT / DISABLE_ALL: show or hide the call icon while calling stays enabled;
 * - `call_hours`: ENABLED / DISABLED, `timezone_id` (IANA), `weekly_operating_hours` [{day_of_week MONDAY…,
 *   open_time/close_time "HHMM"}], `holiday_schedule` [{date YYYY-MM-DD, start_time, end_time}] (replaces what was
 *   set before);
 * - `callback_permission_status` ENABLED / DISABLED: ask a user who called for permission to call them back;
 * - `sip` ENABLED / DISABLED with `servers` [{hostname, port, request_uri_user_params}]: route calls to the clinic's
 *   SIP server. With SIP enabled, Meta sends no call webhooks and the call endpoints are not used.
 */
import { ClinicError } from '../errors';

export const WEEK_DAYS = [
	'MONDAY',
	'TUESDAY',
	'WEDNESDAY',
	'THURSDAY',
	'FRIDAY',
	'SATURDAY',
	'SUNDAY',
] as const;
type OnOff = 'ENABLED' | 'DISABLED';

export interface CallingSettingsInput {
	status?: OnOff;
	callIconVisibility?: 'DEFAULT' | 'DISABLE_ALL';
	callbackPermissionStatus?: OnOff;
	callHours?: {
		status: OnOff;
		timezoneId?: string;
		weekly?: Array<{ day: string; open: string; close: string }>;
		holidays?: Array<{ date: string; start: string; end: string }>;
	};
	sip?: {
		status: OnOff;
		servers?: Array<{ hostname: string; port: number | string; params?: Record<string, string> }>;
	};
}

function invalid(field: string, message: string, hint: string): ClinicError {
	return new ClinicError(`${field} ${message}`, { code: 'invalid_input', field, hint });
}

function onOff(value: unknown, field: string): OnOff {
	if (value === 'ENABLED' || value === 'DISABLED') return value;
	throw invalid(field, `"${String(value)}" is not ENABLED or DISABLED`, 'Choose Enabled or Disabled.');
}

/** "9:30", "09:30" or "0930" → "0930". */
export function hhmm(value: unknown, field: string): string {
	const m = /^(\d{1,2}):?(\d{2})$/.exec(String(value ?? '').trim());
	if (!m || Number(m[1]) > 23 || Number(m[2]) > 59)
		throw invalid(field, `"${String(value)}" is not a time`, 'Write the time as HH:MM, e.g. 08:00 or 18:30.');
	return `${m[1].padStart(2, '0')}${m[2]}`;
}

function timezone(value: unknown, field: string): string {
	const tz = String(value ?? '').trim();
	try {
		if (!tz) throw new Error('empty');
		new Intl.DateTimeFormat('en-US', { timeZone: tz });
		return tz;
	} catch {
		throw invalid(field, `"${tz}" is not a time zone`, 'Use an IANA time zone such as America/Sao_Paulo.');
	}
}

function callHours(input: NonNullable<CallingSettingsInput['callHours']>): Record<string, unknown> {
	const status = onOff(input.status, 'Call Hours');
	const out: Record<string, unknown> = { status };
	if (status === 'DISABLED') return out;
	out.timezone_id = timezone(input.timezoneId, 'Call Hours Time Zone');
	const weekly = (input.weekly ?? []).map((row, i) => {
		const field = `Weekly Hours ${i + 1}`;
		const day = String(row.day ?? '').toUpperCase();
		if (!(WEEK_DAYS as readonly string[]).includes(day))
			throw invalid(field, `day "${row.day}" is not a week day`, `Use one of ${WEEK_DAYS.join(', ')}.`);
		const open = hhmm(row.open, `${field} Opens`);
		const close = hhmm(row.close, `${field} Closes`);
		if (open >= close)
			throw invalid(
				field,
				`opens at ${open} and closes at ${close}`,
				'The closing time must be after the opening time.',
			);
		return { day_of_week: day, open_time: open, close_time: close };
	});
	if (!weekly.length)
		throw invalid(
			'Weekly Hours',
			'is empty',
			'Add at least one day with opening hours, or set Call Hours to Disabled (calls at any time).',
		);
	out.weekly_operating_hours = weekly;
	const holidays = (input.holidays ?? []).map((row, i) => {
		const field = `Holiday ${i + 1}`;
		if (!/^\d{4}-\d{2}-\d{2}$/.test(String(row.date ?? '')) || Number.isNaN(Date.parse(String(row.date))))
			throw invalid(field, `date "${row.date}" is not YYYY-MM-DD`, 'Write the date as 2026-12-25.');
		return {
			date: row.date,
			start_time: hhmm(row.start, `${field} From`),
			end_time: hhmm(row.end, `${field} To`),
		};
	});
	if (holidays.length) out.holiday_schedule = holidays;
	return out;
}

function sip(input: NonNullable<CallingSettingsInput['sip']>): Record<string, unknown> {
	const status = onOff(input.status, 'SIP');
	const servers = (input.servers ?? []).map((s, i) => {
		const field = `SIP Server ${i + 1}`;
		const hostname = String(s.hostname ?? '').trim();
		if (!/^[A-Za-z0-9.-]+$/.test(hostname))
			throw invalid(
				field,
				`hostname "${hostname}" is not a host name`,
				'Give only the host, e.g. sip.clinic.example (no sip: or port).',
			);
		const port = Number(s.port);
		if (!Number.isInteger(port) || port < 1 || port > 65535)
			throw invalid(
				field,
				`port "${String(s.port)}" is not a port`,
				'Use the SIP port of your server, e.g. 5061 (TLS).',
			);
		return {
			hostname,
			port,
			...(s.params && Object.keys(s.params).length ? { request_uri_user_params: s.params } : {}),
		};
	});
	if (status === 'ENABLED' && !servers.length)
		throw invalid('SIP Servers', 'is empty', 'Add the SIP server calls go to, or set SIP to Disabled.');
	return { status, ...(servers.length ? { servers } : {}) };
}

/** Meta's `calling` object for the settings given (only those change); throws naming the first wrong field. */
export function buildCallingSettings(input: CallingSettingsInput): Record<string, unknown> {
	const calling: Record<string, unknown> = {};
	if (input.status !== undefined) calling.status = onOff(input.status, 'Calling');
	if (input.callIconVisibility !== undefined) {
		if (input.callIconVisibility !== 'DEFAULT' && input.callIconVisibility !== 'DISABLE_ALL')
			throw invalid(
				'Call Icon',
				`"${String(input.callIconVisibility)}" is not DEFAULT or DISABLE_ALL`,
				'Choose Show or Hide.',
			);
		calling.call_icon_visibility = input.callIconVisibility;
	}
	if (input.callbackPermissionStatus !== undefined)
		calling.callback_permission_status = onOff(input.callbackPermissionStatus, 'Callback Permission');
	if (input.callHours) calling.call_hours = callHours(input.callHours);
	if (input.sip) calling.sip = sip(input.sip);
	if (!Object.keys(calling).length)
		throw invalid('Update Fields', 'is empty: there is nothing to change', 'Add the settings to change.');
	return calling;
}
