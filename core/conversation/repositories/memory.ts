/** The in-memory twin of the conversation store (tests and benchmarks): same contract as the SQL adapter. */
import type { StoredConversation } from '../types';
import type { ConversationRepository } from './port';

const copy = (c: StoredConversation): StoredConversation => ({
	...c,
	context: JSON.parse(JSON.stringify(c.context)) as Record<string, unknown>,
});

export class MemoryConversationRepository implements ConversationRepository {
	readonly rows = new Map<string, StoredConversation>();

	async load(patients: readonly string[], nowMs: number): Promise<Array<StoredConversation | null>> {
		return patients.map((p) => {
			const row = this.rows.get(p);
			return row && row.expiresAtMs > nowMs ? copy(row) : null;
		});
	}

	async save(conversations: readonly StoredConversation[], nowMs: number): Promise<void> {
		await this.purgeExpired(nowMs);
		for (const c of conversations) this.rows.set(c.patient, copy(c));
	}

	async remove(patients: readonly string[]): Promise<number> {
		return patients.filter((p) => this.rows.delete(p)).length;
	}

	async purgeExpired(nowMs: number, limit = Number.POSITIVE_INFINITY): Promise<number> {
		let n = 0;
		for (const [p, row] of this.rows) {
			if (n >= limit) break;
			if (row.expiresAtMs <= nowMs) {
				this.rows.delete(p);
				n++;
			}
		}
		return n;
	}
}
