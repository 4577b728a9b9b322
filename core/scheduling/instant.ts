/** Reading the From / To instants of a query. */
import { DateTime } from 'luxon';

import { SchedulingInputError } from './types';

/** ISO instant; a value without offset (e.g. "2025-01-14" or "2025-01-14T09:00") is read in `zone`. */
export function parseInstant(value: string, field: string, zone = 'UTC'): number {
	const dt = DateTime.fromISO(String(value).trim(), { zone });
	if (!dt.isValid) throw new SchedulingInputError(`"${field}" is not an ISO 8601 date/time: ${value}`, field);
	return dt.toMillis();
}
