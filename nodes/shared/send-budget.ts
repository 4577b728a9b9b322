/**
 * Which pacing a sending node gets (nodes/shared/transport.ts asks when it builds the client of a send):
 *
 * - One n8n instance → undefined: the process-wide limiter (core/whatsapp/rate-limiter.ts), as always; nothing is
 *   read from the Clinic Store for it.
 * - Queue mode (EXECUTIONS_MODE=queue) and the node's Clinic Store credential is PostgreSQL → the send budget every
 *   n8n process shares for the number (core/whatsapp/send-budget.ts on core/whatsapp/send-budget-sql.ts): the
 *   workers together stay under the number's messages per second and Meta's pair limit.
 * - Queue mode without a Clinic Store credential → undefined (each process paces alone: set Messages per Second to
 *   the cap ÷ the number of processes that send). SQLite in queue mode is refused (nodes/shared/store.ts).
 *
 * One budget per (store, base URL, phone number ID) per process, shared by every execution in the process.
 */
import type { ClinicStore } from '../../core/store/ports';
import { PairLimitGuard, type PairLimitOptions } from '../../core/whatsapp/rate-limiter';
import { SqlSendBudgetStore } from '../../core/whatsapp/send-budget-sql';
import { SharedSendBudget, type SendBudgetState } from '../../core/whatsapp/send-budget';
import type { HttpFunctions } from './http';
import { CLINIC_STORE_CREDENTIAL, assertNotQueueModeSqlite, getClinicStore, isQueueMode } from './store';

/** The in-process 131056 backoff of GraphClient, plus holding the recipient for every other process too. */
export class SharedPairLimitGuard extends PairLimitGuard {
	constructor(
		private readonly budget: SharedSendBudget,
		options: PairLimitOptions = {},
	) {
		super(options);
	}

	override recordPairLimit(recipient: string): number {
		const backoff = super.recordPairLimit(recipient);
		// Best effort: the local backoff already holds this process; a store error must not fail the send.
		void this.budget.holdPair(recipient, backoff).catch(() => undefined);
		return backoff;
	}
}

export interface SharedPacing {
	limiter: SharedSendBudget;
	pairGuard: SharedPairLimitGuard;
}

const budgets = new WeakMap<ClinicStore, Map<string, SharedPacing>>();

/** The shared budget of `phoneNumberId` in `store` (created once per process; a new `mps` updates it). */
export function sharedBudgetFor(
	store: ClinicStore,
	target: { baseUrl: string; phoneNumberId: string; mps: number },
): SharedPacing {
	let perStore = budgets.get(store);
	if (!perStore) {
		perStore = new Map();
		budgets.set(store, perStore);
	}
	const budgetKey = `${target.baseUrl.replace(/\/+$/, '')}|${target.phoneNumberId}`;
	const existing = perStore.get(budgetKey);
	if (existing) {
		if (existing.limiter.mps !== target.mps) existing.limiter.setRate(target.mps);
		return existing;
	}
	const limiter = new SharedSendBudget({
		store: new SqlSendBudgetStore(store),
		budgetKey,
		mps: target.mps,
		// Recipients reach the budget tables only as keyed digests.
		digest: (recipient) => store.cipher.digest(`send-pair:${recipient}`),
	});
	const created = { limiter, pairGuard: new SharedPairLimitGuard(limiter) };
	perStore.set(budgetKey, created);
	return created;
}

/**
 * The shared pacing for a send from this node, or undefined for the process-wide limiter. Only sends ask (they
 * run in executions, so the node's Clinic Store credential can be read and the store opened).
 */
export async function sharedPacing(
	ctx: HttpFunctions,
	target: { baseUrl: string; phoneNumberId: string; mps: number },
): Promise<SharedPacing | undefined> {
	if (!isQueueMode() || !target.phoneNumberId) return undefined;
	if (!ctx.getNode().credentials?.[CLINIC_STORE_CREDENTIAL]) return undefined;
	const data = await ctx.getCredentials(CLINIC_STORE_CREDENTIAL);
	if (String(data.backend || 'sqlite') !== 'postgres') {
		assertNotQueueModeSqlite(ctx.getNode());
		return undefined;
	}
	const store = await getClinicStore(ctx as Parameters<typeof getClinicStore>[0]);
	return sharedBudgetFor(store, target);
}

/** The state of every shared budget this process holds (for diagnostics). */
export function sharedBudgetStates(store: ClinicStore): SendBudgetState[] {
	return [...(budgets.get(store)?.values() ?? [])].map((p) => p.limiter.state());
}
