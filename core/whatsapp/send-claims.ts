/**
 * Exactly-once sends across runs and processes: an idempotency key per message (e.g. appointment ID + template, set
 * by Send Template's "Idempotency Key") is claimed in the clinic store right before the message is sent.
 *
 *   claim(key)  → 'claimed': send it · 'sent': an earlier run sent it · 'pending': another run is sending it, or
 *                 crashed while it was (the message may have left: never resent automatically)
 *   settle(key, 'sent' | 'failed')  after the answer; 'failed' (certainly not sent) may be claimed again later.
 *   A send with an unknown outcome (send-outcome.ts) stays 'pending'.
 *
 * Table `clinic_send_claims`: `claim_key` is the keyed digest of phone number ID + scope (template) + key, so no
 * appointment or patient identifier is stored; `owner` the execution that claimed it; `callback_key` the idempotency
 * key the message carried in biz_opaque_callback_data (its status webhooks carry it back); rows expire after
 * `CLAIM_TTL_MS` (35 days) and are purged on the way. After Rotate Keys the old key's digests are looked up too
 * (`lookupDigests`) as long as the old key is configured under Previous Keys.
 *
 * A worker killed mid-run leaves at most the messages it had claimed but not yet settled as 'pending': those in
 * flight and those waiting for a send slot (at most the node's concurrency). A restarted run skips them (status
 * 'skipped', outcome unknown) instead of risking a second message; the rest of the run is sent normally.
 *
 * Claims and settlements are batched: calls made within the same few milliseconds share one statement.
 */
import { registerMigrations } from '../store/migrations';
import type { ClinicStore } from '../store/ports';
import { settle } from '../settle';

registerMigrations('send', [
	{
		id: 'send-002',
		sqlite:
			'CREATE TABLE IF NOT EXISTS clinic_send_claims (claim_key TEXT PRIMARY KEY, state TEXT NOT NULL, owner TEXT NOT NULL, callback_key TEXT, claimed_at_ms INTEGER NOT NULL, settled_at_ms INTEGER, expires_at_ms INTEGER NOT NULL);' +
			'CREATE INDEX IF NOT EXISTS clinic_send_claims_expiry ON clinic_send_claims (expires_at_ms);',
		postgres:
			'CREATE TABLE IF NOT EXISTS clinic_send_claims (claim_key TEXT PRIMARY KEY, state TEXT NOT NULL, owner TEXT NOT NULL, callback_key TEXT, claimed_at_ms BIGINT NOT NULL, settled_at_ms BIGINT, expires_at_ms BIGINT NOT NULL);' +
			'CREATE INDEX IF NOT EXISTS clinic_send_claims_expiry ON clinic_send_claims (expires_at_ms);',
	},
]);

export const CLAIM_TTL_MS = 35 * 24 * 3600 * 1000;
/** Errors raised before a statement reached the database (pg pool timeout, refused or unknown host). */
const NOT_REACHED =
	/timeout exceeded when trying to connect|ECONNREFUSED|ENOTFOUND|Cannot reach the PostgreSQL/i;
const CHUNK = 200;

export type ClaimResult =
	| { state: 'claimed' }
	| { state: 'sent'; at: number; owner: string }
	| { state: 'pending'; at: number; owner: string };

export interface ClaimRequest {
	/** The scoped key in clear (digested before it reaches the store). */
	key: string;
	owner: string;
	callbackKey?: string;
}

/** Collects calls made close together and runs them as one batch (a microtask-and-timer later, or when full). */
class Batcher<I, O> {
	private pending: Array<{ input: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
	private armed = false;

	constructor(
		private readonly run: (inputs: I[]) => Promise<O[]>,
		private readonly delayMs = 2,
		private readonly max = CHUNK,
	) {}

	async add(input: I): Promise<O> {
		return await new Promise<O>((resolve, reject) => {
			this.pending.push({ input, resolve, reject });
			if (this.pending.length >= this.max) this.flush();
			else if (!this.armed) {
				this.armed = true;
				setTimeout(() => this.flush(), this.delayMs);
			}
		});
	}

	private flush(): void {
		this.armed = false;
		const batch = this.pending.splice(0, this.max);
		if (this.pending.length && !this.armed) {
			this.armed = true;
			setTimeout(() => this.flush(), 0);
		}
		if (!batch.length) return;
		this.run(batch.map((b) => b.input)).then(
			(outputs) => batch.forEach((b, i) => b.resolve(outputs[i])),
			(error: unknown) => batch.forEach((b) => b.reject(error)),
		);
	}
}

export class SendClaims {
	private readonly claims: Batcher<ClaimRequest, ClaimResult>;
	private readonly settles: Batcher<{ key: string; owner: string; state: 'sent' | 'failed' }, undefined>;

	constructor(
		private readonly store: ClinicStore,
		private readonly now: () => number = Date.now,
	) {
		this.claims = new Batcher(async (requests) => await this.claimBatch(requests));
		this.settles = new Batcher(async (items) => {
			await this.settleBatch(items);
			return items.map(() => undefined);
		});
	}

	/** The stored form of a key: a keyed digest (no identifier in the table). */
	digest(key: string): string {
		return this.store.cipher.digest(`send-claim:${key}`);
	}

	/**
	 * Claims one key. A store that could not even be reached (no free connection in time, connection refused: the
	 * statement never ran) is tried again for up to about 30 s; any other error is thrown (the item is not sent).
	 */
	async claim(request: ClaimRequest): Promise<ClaimResult> {
		for (let attempt = 0; ; attempt++) {
			const result = await settle(async () => await this.claims.add(request));
			if (result.ok) return result.value;
			if (attempt >= 5 || !NOT_REACHED.test((result.error as Error)?.message ?? '')) throw result.error;
			await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
		}
	}

	async settle(key: string, owner: string, state: 'sent' | 'failed'): Promise<void> {
		await this.settles.add({ key, owner, state });
	}

	/** Rows stored under a previous PHI key's digest of these keys (only after Rotate Keys). */
	private async previousKeyRows(requests: ClaimRequest[]): Promise<Map<number, ClaimResult>> {
		const found = new Map<number, ClaimResult>();
		if (this.store.cipher.keyIds().length < 2) return found;
		const old = new Map<string, number>();
		requests.forEach((r, i) => {
			for (const d of this.store.cipher.lookupDigests(`send-claim:${r.key}`).slice(1)) old.set(d, i);
		});
		const keys = [...old.keys()];
		for (let k = 0; k < keys.length; k += CHUNK) {
			const part = keys.slice(k, k + CHUNK);
			const rows = await this.store.query<{ claim_key: string; state: string; owner: string; at: number }>(
				`SELECT claim_key, state, owner, coalesce(settled_at_ms, claimed_at_ms) AS at FROM clinic_send_claims WHERE state <> 'failed' AND claim_key IN (${part.map((_, j) => `$${j + 1}`).join(', ')})`,
				part,
			);
			for (const r of rows)
				found.set(old.get(r.claim_key)!, {
					state: r.state === 'sent' ? 'sent' : 'pending',
					at: Number(r.at),
					owner: r.owner,
				});
		}
		return found;
	}

	private async claimBatch(all: ClaimRequest[]): Promise<ClaimResult[]> {
		const now = this.now();
		const results = new Array<ClaimResult | undefined>(all.length);
		for (const [i, result] of await this.previousKeyRows(all)) results[i] = result;
		const open = all.map((r, i) => ({ r, i, digest: this.digest(r.key) })).filter(({ i }) => !results[i]);
		// The same key twice in one batch: only its first occurrence can claim it.
		const unique = [...new Map(open.map((o) => [o.digest, o])).values()];
		const won = new Set<string>();
		if (unique.length)
			await this.store.transaction(async (tx) => {
				const values = unique.map(
					(_, j) => `($${j * 5 + 2}, 'pending', $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5}, $${j * 5 + 6})`,
				);
				const params: unknown[] = [now];
				for (const { r, digest } of unique)
					params.push(digest, r.owner, r.callbackKey ?? null, now, now + CLAIM_TTL_MS);
				// A failed (certainly not sent) or expired claim may be taken again; anything else stays with its owner.
				const rows = await tx.query<{ claim_key: string }>(
					`INSERT INTO clinic_send_claims (claim_key, state, owner, callback_key, claimed_at_ms, expires_at_ms) VALUES ${values.join(', ')}
					ON CONFLICT (claim_key) DO UPDATE SET state = 'pending', owner = excluded.owner, callback_key = excluded.callback_key,
						claimed_at_ms = excluded.claimed_at_ms, settled_at_ms = NULL, expires_at_ms = excluded.expires_at_ms
					WHERE clinic_send_claims.state = 'failed' OR clinic_send_claims.expires_at_ms <= $1
					RETURNING claim_key`,
					params,
				);
				for (const r of rows) won.add(r.claim_key);
				await tx.query(
					'DELETE FROM clinic_send_claims WHERE claim_key IN (SELECT claim_key FROM clinic_send_claims WHERE expires_at_ms <= $1 LIMIT 500)',
					[now],
				);
			});
		const lost = [...new Set(open.filter((o) => !won.has(o.digest)).map((o) => o.digest))];
		const existing = new Map<string, { state: string; owner: string; at: number }>();
		for (let k = 0; k < lost.length; k += CHUNK) {
			const part = lost.slice(k, k + CHUNK);
			const rows = await this.store.query<{ claim_key: string; state: string; owner: string; at: number }>(
				`SELECT claim_key, state, owner, coalesce(settled_at_ms, claimed_at_ms) AS at FROM clinic_send_claims WHERE claim_key IN (${part.map((_, j) => `$${j + 1}`).join(', ')})`,
				part,
			);
			for (const r of rows) existing.set(r.claim_key, { state: r.state, owner: r.owner, at: Number(r.at) });
		}
		const claimedNow = new Set<string>();
		for (const { r, i, digest } of open) {
			if (won.has(digest) && !claimedNow.has(digest)) {
				claimedNow.add(digest);
				results[i] = { state: 'claimed' };
				continue;
			}
			const row = existing.get(digest);
			results[i] =
				row?.state === 'sent'
					? { state: 'sent', at: row.at, owner: row.owner }
					: { state: 'pending', at: row?.at ?? now, owner: row?.owner ?? r.owner };
		}
		return results as ClaimResult[];
	}

	private async settleBatch(
		items: Array<{ key: string; owner: string; state: 'sent' | 'failed' }>,
	): Promise<void> {
		const now = this.now();
		for (const state of ['sent', 'failed'] as const) {
			const part = items.filter((i) => i.state === state);
			for (let k = 0; k < part.length; k += CHUNK) {
				const chunk = part.slice(k, k + CHUNK);
				const pairs = chunk
					.map((_, j) => `(claim_key = $${j * 2 + 3} AND owner = $${j * 2 + 4})`)
					.join(' OR ');
				const params: unknown[] = [state, now];
				for (const c of chunk) params.push(this.digest(c.key), c.owner);
				await this.store.query(
					`UPDATE clinic_send_claims SET state = $1, settled_at_ms = $2 WHERE state = 'pending' AND (${pairs})`,
					params,
				);
			}
		}
	}
}

const perStore = new WeakMap<ClinicStore, SendClaims>();

/** One claims handle per store per process (so concurrent executions share the batches). */
export function sendClaimsFor(store: ClinicStore): SendClaims {
	let claims = perStore.get(store);
	if (!claims) {
		claims = new SendClaims(store);
		perStore.set(store, claims);
	}
	return claims;
}
