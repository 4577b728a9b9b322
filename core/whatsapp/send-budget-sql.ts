/**
 * The shared send budget's state in the clinic store (PostgreSQL; send-budget.ts explains the model):
 *
 * - `clinic_send_budget`: per number (`budget_key` = base URL + phone number ID), the store time of its next free
 *   departure slot. A reservation moves it forward by count × interval in one row-locked UPDATE.
 * - `clinic_send_pairs`: per (number, recipient) the pair limit's GCRA arrival time. `recipient_key` is the
 *   recipient's keyed digest (`cipher.digest`, never the phone number); rows live minutes (deleted once the recipient
 *   is free again), so they are not in the PHI inventory: after Rotate Keys a recipient's pair state starts fresh,
 *   which Meta's burst allowance absorbs.
 *
 * One `reserve` is ONE statement: the slots and the pair checks of all its recipients, on the store's clock
 * (`clock_timestamp()`). Cost per message: 1/k of a round trip plus a row update per recipient, k ≈ mps / 10.
 */
import { registerMigrations } from '../store/migrations';
import type { ClinicStore } from '../store/ports';
import {
	SHARED_WINDOW_MS,
	type BudgetReservation,
	type BudgetReserveRequest,
	type SendBudgetStore,
} from './send-budget';

registerMigrations('send', [
	{
		id: 'send-001',
		sqlite:
			'CREATE TABLE IF NOT EXISTS clinic_send_budget (budget_key TEXT PRIMARY KEY, next_slot_ms REAL NOT NULL, updated_ms REAL NOT NULL);' +
			'CREATE TABLE IF NOT EXISTS clinic_send_pairs (budget_key TEXT NOT NULL, recipient_key TEXT NOT NULL, tat_ms REAL NOT NULL, slot_ms REAL NOT NULL, blocked_until_ms REAL NOT NULL DEFAULT 0, PRIMARY KEY (budget_key, recipient_key));' +
			'CREATE INDEX IF NOT EXISTS clinic_send_pairs_tat ON clinic_send_pairs (tat_ms);',
		postgres:
			'CREATE TABLE IF NOT EXISTS clinic_send_budget (budget_key TEXT PRIMARY KEY, next_slot_ms DOUBLE PRECISION NOT NULL, updated_ms DOUBLE PRECISION NOT NULL);' +
			'CREATE TABLE IF NOT EXISTS clinic_send_pairs (budget_key TEXT NOT NULL, recipient_key TEXT NOT NULL, tat_ms DOUBLE PRECISION NOT NULL, slot_ms DOUBLE PRECISION NOT NULL, blocked_until_ms DOUBLE PRECISION NOT NULL DEFAULT 0, PRIMARY KEY (budget_key, recipient_key));' +
			'CREATE INDEX IF NOT EXISTS clinic_send_pairs_tat ON clinic_send_pairs (tat_ms);',
	},
]);

// For the status command (scripts/queue-status.ts): each number's Messages per Second, when its current busy period
// began (its slots run back to back since then) and how many slots it has handed out in total.
registerMigrations('send', [
	{
		id: 'send-003',
		sqlite:
			'ALTER TABLE clinic_send_budget ADD COLUMN mps REAL;' +
			'ALTER TABLE clinic_send_budget ADD COLUMN busy_since_ms REAL;' +
			'ALTER TABLE clinic_send_budget ADD COLUMN slots_total INTEGER NOT NULL DEFAULT 0;',
		postgres:
			'ALTER TABLE clinic_send_budget ADD COLUMN IF NOT EXISTS mps DOUBLE PRECISION, ' +
			'ADD COLUMN IF NOT EXISTS busy_since_ms DOUBLE PRECISION, ' +
			'ADD COLUMN IF NOT EXISTS slots_total BIGINT NOT NULL DEFAULT 0;',
	},
]);

const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::float8';

/**
 * $1 budget key, $2 lead (ms), $3 slot count, $4 slot interval (ms), $5 recipient keys (JSON array, '' = none),
 * $6 pair interval (ms), $7 pair tolerance ((burst − 1) × interval), $8 Messages per Second (status only).
 * A reservation that finds the number idle (next slot before now + lead) starts a new busy period.
 */
const RESERVE_SQL = `WITH c AS (SELECT ${NOW_MS} AS now_ms),
slots AS (
	INSERT INTO clinic_send_budget AS b (budget_key, next_slot_ms, updated_ms, mps, busy_since_ms, slots_total)
	SELECT $1, c.now_ms + $2::float8 + $3::int * $4::float8, c.now_ms, $8::float8, c.now_ms + $2::float8, $3::int FROM c
	ON CONFLICT (budget_key) DO UPDATE
		SET next_slot_ms = GREATEST(b.next_slot_ms, EXCLUDED.updated_ms + $2::float8) + $3::int * $4::float8,
			updated_ms = EXCLUDED.updated_ms,
			mps = EXCLUDED.mps,
			busy_since_ms = CASE WHEN b.next_slot_ms < EXCLUDED.updated_ms + $2::float8 OR b.busy_since_ms IS NULL
				THEN EXCLUDED.updated_ms + $2::float8 ELSE b.busy_since_ms END,
			slots_total = b.slots_total + $3::int
	RETURNING b.next_slot_ms - $3::int * $4::float8 AS first_ms, b.updated_ms AS now_ms
),
pairs AS (
	INSERT INTO clinic_send_pairs AS p (budget_key, recipient_key, tat_ms, slot_ms, blocked_until_ms)
	SELECT $1, r.recipient, s.first_ms + (r.ord - 1) * $4::float8 + $6::float8, s.first_ms + (r.ord - 1) * $4::float8, 0
	FROM json_array_elements_text($5::json) WITH ORDINALITY AS r(recipient, ord), slots s
	WHERE r.recipient <> ''
	ON CONFLICT (budget_key, recipient_key) DO UPDATE SET
		blocked_until_ms = CASE WHEN p.tat_ms - $7::float8 <= EXCLUDED.slot_ms THEN 0 ELSE p.tat_ms - $7::float8 END,
		tat_ms = CASE WHEN p.tat_ms - $7::float8 <= EXCLUDED.slot_ms
			THEN GREATEST(p.tat_ms, EXCLUDED.slot_ms) + $6::float8 ELSE p.tat_ms END,
		slot_ms = EXCLUDED.slot_ms
	RETURNING p.recipient_key, p.blocked_until_ms
)
SELECT s.first_ms, s.now_ms,
	(SELECT coalesce(json_agg(json_build_array(recipient_key, blocked_until_ms)), '[]'::json) FROM pairs) AS pairs
FROM slots s`;

/** $1 budget key, $2 recipient key, $3 hold (ms), $4 pair tolerance: no slot before now + hold carries them. */
const HOLD_SQL = `INSERT INTO clinic_send_pairs AS p (budget_key, recipient_key, tat_ms, slot_ms, blocked_until_ms)
SELECT $1, $2, c.now_ms + $3::float8 + $4::float8, c.now_ms, 0 FROM (SELECT ${NOW_MS} AS now_ms) c
ON CONFLICT (budget_key, recipient_key) DO UPDATE SET tat_ms = GREATEST(p.tat_ms, EXCLUDED.tat_ms)`;

/** Recipients whose arrival time is past are free: their rows say nothing a missing row would not. */
const PURGE_SQL = `DELETE FROM clinic_send_pairs WHERE ctid IN (
	SELECT ctid FROM clinic_send_pairs WHERE tat_ms < ${NOW_MS} - 1000 LIMIT 2000)`;

const PURGE_EVERY = 200;

interface ReserveRow {
	first_ms: number;
	now_ms: number;
	pairs: Array<[string, number]> | string;
}

export class SqlSendBudgetStore implements SendBudgetStore {
	private reservations = 0;

	constructor(private readonly store: ClinicStore) {
		if (store.dialect !== 'postgres')
			throw new Error(
				'The shared send budget needs a PostgreSQL clinic store (SQLite serves one n8n instance, which paces its sends in process)',
			);
	}

	async reserve(request: BudgetReserveRequest): Promise<BudgetReservation> {
		const [row] = await this.store.query<ReserveRow>(RESERVE_SQL, [
			request.budgetKey,
			request.leadMs,
			request.count,
			request.intervalMs,
			JSON.stringify(request.recipients.map((r) => r ?? '')),
			request.pairIntervalMs,
			request.pairToleranceMs,
			request.mps ?? null,
		]);
		if (++this.reservations % PURGE_EVERY === 0) await this.store.query(PURGE_SQL).catch(() => undefined);
		const pairs =
			typeof row.pairs === 'string' ? (JSON.parse(row.pairs) as Array<[string, number]>) : row.pairs;
		const blocked = new Map(pairs.map(([key, until]) => [key, Number(until)]));
		return {
			firstSlotMs: Number(row.first_ms),
			storeNowMs: Number(row.now_ms),
			pairBlockedUntilMs: request.recipients.map((r) => (r ? (blocked.get(r) ?? 0) : 0)),
		};
	}

	async holdPair(
		budgetKey: string,
		recipient: string,
		holdMs: number,
		pairToleranceMs: number,
	): Promise<void> {
		await this.store.query(HOLD_SQL, [budgetKey, recipient, holdMs, pairToleranceMs]);
	}

	/** Every number's budget now (the status command): see `BudgetStatus`. */
	async numbers(): Promise<BudgetStatus[]> {
		return await budgetStatus(this.store);
	}
}

/** One number's shared budget as the status command shows it. */
export interface BudgetStatus {
	budgetKey: string;
	/** Messages per Second the senders asked for (null: set before this was recorded). */
	mps: number | null;
	/** Its next free slot relative to now: > 0 sends are booked that far ahead, ≤ 0 idle for that long. */
	nextSlotInMs: number;
	/** Slots handed out in the last 1,000 ms (sends, plus slots given up by late wake-ups), at most about mps. */
	slotsLastSecond: number;
	/** Slots handed out since the table was created. */
	slotsTotal: number;
	/** Recipients whose pair limit is being tracked (rows live minutes). */
	recipientsTracked: number;
}

/** Reads every number's budget (`query` is a ClinicStore's or a bare pg client's, PostgreSQL). */
export async function budgetStatus(db: Pick<ClinicStore, 'query'>): Promise<BudgetStatus[]> {
	const rows = await db.query<{
		budget_key: string;
		mps: number | null;
		ahead_ms: number;
		last_second: number | null;
		slots_total: number;
		pairs: number;
	}>(
		`SELECT b.budget_key, b.mps, b.next_slot_ms - n.now_ms AS ahead_ms, b.slots_total,
			CASE WHEN b.mps > 0 AND b.busy_since_ms IS NOT NULL THEN
				GREATEST(0, LEAST(b.next_slot_ms, n.now_ms) - GREATEST(b.busy_since_ms, n.now_ms - 1000))
				/ (${SHARED_WINDOW_MS} / b.mps) END AS last_second,
			(SELECT count(*) FROM clinic_send_pairs p WHERE p.budget_key = b.budget_key) AS pairs
		FROM clinic_send_budget b, (SELECT ${NOW_MS} AS now_ms) n ORDER BY b.budget_key`,
	);
	return rows.map((r) => ({
		budgetKey: r.budget_key,
		mps: r.mps === null ? null : Number(r.mps),
		nextSlotInMs: Number(r.ahead_ms),
		slotsLastSecond: r.last_second === null ? 0 : Math.round(Number(r.last_second)),
		slotsTotal: Number(r.slots_total),
		recipientsTracked: Number(r.pairs),
	}));
}
