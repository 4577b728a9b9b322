import { toPostgresParam, toSqliteParam, toSqlitePlaceholders } from '../../../core/store/sql-params';

describe('portable SQL parameters', () => {
	it('rewrites $n to ?n outside literals, quoted identifiers and comments', () => {
		expect(toSqlitePlaceholders('SELECT * FROM t WHERE a = $1 AND b IN ($2, $10)')).toBe(
			'SELECT * FROM t WHERE a = ?1 AND b IN (?2, ?10)',
		);
		expect(toSqlitePlaceholders("SELECT '$1', 'it''s $2', \"col$3\" FROM t WHERE x = $4")).toBe(
			"SELECT '$1', 'it''s $2', \"col$3\" FROM t WHERE x = ?4",
		);
		expect(toSqlitePlaceholders('SELECT 1 -- $1\nWHERE y = $2 /* $3 */')).toBe(
			'SELECT 1 -- $1\nWHERE y = ?2 /* $3 */',
		);
		expect(toSqlitePlaceholders('SELECT price$ FROM t')).toBe('SELECT price$ FROM t');
	});

	it('normalises values the same way on both backends', () => {
		const d = new Date('2025-02-03T04:05:06.007Z');
		expect(toSqliteParam(true)).toBe(1);
		expect(toPostgresParam(false)).toBe(0);
		expect(toSqliteParam(d)).toBe('2025-02-03T04:05:06.007Z');
		expect(toPostgresParam(d)).toBe('2025-02-03T04:05:06.007Z');
		expect(toSqliteParam(undefined)).toBeNull();
		expect(toPostgresParam(undefined)).toBeNull();
		expect(toSqliteParam({ a: 1 })).toBe('{"a":1}');
		expect(toPostgresParam({ a: 1 })).toBe('{"a":1}');
	});
});
