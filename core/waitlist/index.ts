/** Waitlist backfill of freed slots (n8n-free). Importing it registers the waitlist migrations. */
import './schema';

export * from './types';
export { readFreedSlot, timeOfDay } from './freed-slot';
export { readWish, parseTimesOfDay, type JoinInput } from './entries';
export { claimReply, joinReply } from './replies';
export { WaitlistAudit, WAITLIST_PURPOSE, type WaitlistActor } from './audit';
export type { WaveOptions } from './offers';
export { pollFreedSlots, watchKey, type FreedPoll, type PolledSlot, type PollRequest } from './freed-watch';
export type { BookForEntry, ClaimRequest } from './claim';
export { WaitlistService, type LeaveRequest, type ListRequest, type WaitlistServiceOptions } from './service';
export type { SeenSlots, WaitlistRepository, WaitlistTx } from './repositories/port';
export { MemoryWaitlistRepository } from './repositories/memory';
export { SqlWaitlistRepository } from './repositories/sql';
