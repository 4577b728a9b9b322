/** Placeholder translation and value normalisation shared by the SQLite and Postgres adapters. */

/**
 * Rewrites `$1`, `$2`, … to SQLite's numbered `?1`, `?2`, … outside quoted strings, identifiers and comments.
 */
export function toSqlitePlaceholders(sql: string): string {
	if (!sql.includes('$')) return sql;
	let out = '';
	let i = 0;
	const n = sql.length;
	while (i < n) {
		const ch = sql[i];
		if (ch === "'" || ch === '"' || ch === '`') {
			const end = sql.indexOf(ch, i + 1);
			const stop = end === -1 ? n : end + 1;
			out += sql.slice(i, stop);
			i = stop;
			// doubled quote escapes continue the literal
			while (i < n && sql[i] === ch) {
				const e2 = sql.indexOf(ch, i + 1);
				const s2 = e2 === -1 ? n : e2 + 1;
				out += sql.slice(i, s2);
				i = s2;
			}
			continue;
		}
		if (ch === '-' && sql[i + 1] === '-') {
			const end = sql.indexOf('\n', i);
			const stop = end === -1 ? n : end;
			out += sql.slice(i, stop);
			i = stop;
			continue;
		}
		if (ch === '/' && sql[i + 1] === '*') {
			const end = sql.indexOf('*/', i + 2);
			const stop = end === -1 ? n : end + 2;
			out += sql.slice(i, stop);
			i = stop;
			continue;
		}
		if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
			let j = i + 1;
			while (j < n && /[0-9]/.test(sql[j])) j++;
			out += `?${sql.slice(i + 1, j)}`;
			i = j;
			continue;
		}
		out += ch;
		i++;
	}
	return out;
}

export type SqliteValue = null | number | bigint | string | Uint8Array;

export function toSqliteParam(value: unknown): SqliteValue {
	if (value === undefined || value === null) return null;
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
	if (value instanceof Date) return value.toISOString();
	if (value instanceof Uint8Array) return value;
	return JSON.stringify(value);
}

export function toPostgresParam(value: unknown): unknown {
	if (value === undefined) return null;
	// 1/0 fits INTEGER flag columns and is accepted by BOOLEAN columns too, so flags behave alike on both backends.
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (value instanceof Date) return value.toISOString();
	if (
		value !== null &&
		typeof value === 'object' &&
		!(value instanceof Uint8Array) &&
		!Array.isArray(value)
	) {
		return JSON.stringify(value);
	}
	return value;
}
