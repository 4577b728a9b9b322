/** The simulator's shared runtime: options (mutable at runtime via /_sim/config), state, clock and workers. */
import type { PhoneNumberConfig, ResolvedOptions } from './options';
import type { SendLimiter } from './rate-limit';
import type { Scheduler } from './scheduler';
import type { SimClock, SimState } from './state';
import type { MessageTemplate } from './templates';
import type { WebhookSender } from './webhook-sender';

export interface SimContext {
	options: ResolvedOptions;
	state: SimState;
	clock: SimClock;
	scheduler: Scheduler;
	sender: WebhookSender;
	limiter: SendLimiter;
	templates: readonly MessageTemplate[];
	/** e.g. http://127.0.0.1:7700 (set once listening). */
	baseUrl: string;
	log(line: string): void;
}

export function findPhone(ctx: SimContext, id: string): PhoneNumberConfig | undefined {
	return ctx.options.phoneNumbers.find((p) => p.id === id);
}

export function defaultPhone(ctx: SimContext): PhoneNumberConfig {
	return ctx.options.phoneNumbers[0];
}
