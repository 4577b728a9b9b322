/**
 * Shared by the queue-* scenarios (they run only with `npm run e2e -- --queue`): the bulk-reminder workflow and the
 * counting helpers (test/stack/reminder-batch.ts, shared with bench/queue-send), a phone block per scenario, and
 * which worker ran an execution.
 */
import type { ScenarioContext } from '../scenario';

export {
	bulkRemindersWorkflow,
	maxInWindow,
	perRecipient,
	type BulkReminderOptions,
} from '../../stack/reminder-batch';

/** A phone-number block no other scenario uses (8 digits after +55119). */
export function phoneBase(): number {
	return 40_000_000 + (Date.now() % 5_000) * 1_000;
}

/** The worker whose log says it started `executionId` (n8n logs "Worker started execution N (job M)"). */
export function workerOf(ctx: ScenarioContext, executionId: string): string | undefined {
	return ctx.n8n.processes.find(
		(p) =>
			p.role === 'worker' &&
			new RegExp(`Worker started execution ${executionId}\\b`).test(p.process.tail(400)),
	)?.name;
}
