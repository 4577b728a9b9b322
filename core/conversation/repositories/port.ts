/**
 * ConversationRepository: where conversations are kept. Two adapters pass the same contract tests
 * (test/unit/conversation/repository.test.ts): `MemoryConversationRepository` (tests) and
 * `SqlConversationRepository` (the clinic store, SQLite or Postgres, encrypted like every other PHI).
 *
 * - `load` returns, in the order asked, each patient's conversation or null (none, or expired at `nowMs`).
 * - `save` writes whole conversations (one per patient; the last of a batch wins), and removes expired ones.
 * - `remove` forgets patients' conversations; `purgeExpired` removes up to `limit` expired ones.
 * Patient keys are normalised by the service (patientKey): phone digits or a WhatsApp user ID.
 */
import type { StoredConversation } from '../types';

export interface ConversationRepository {
	load(patients: readonly string[], nowMs: number): Promise<Array<StoredConversation | null>>;
	save(conversations: readonly StoredConversation[], nowMs: number): Promise<void>;
	remove(patients: readonly string[]): Promise<number>;
	purgeExpired(nowMs: number, limit?: number): Promise<number>;
}
