/**
 * What a webhook delivery hands over: one `EmittedEvent` per event that survived verification, filtering, the age
 * check and deduplication, with the outcome of its media download when "Download Media" is on. Anything that must
 * see every emitted event (the "Audit to Store" option) is an `EmitHook`: the pipeline (pipeline.ts) calls each
 * hook once per delivery before handing the events over, and a hook that throws before Meta was answered makes the
 * delivery fail with 500 so that Meta re-sends it.
 */
import type { ClinicEvent } from './events';
import type { MediaError } from './media';

/** The media of one message: the host's binary representation (`B`, n8n: IBinaryData), or why there is none. */
export interface MediaAttachment<B = unknown> {
	binary?: B;
	mediaError?: MediaError;
}

export interface EmittedEvent<B = unknown> {
	event: ClinicEvent;
	media?: MediaAttachment<B>;
}

/** Called once per delivery with the events about to be handed over (after filtering, dedup and media download). */
export type EmitHook = (events: readonly EmittedEvent[]) => Promise<void>;
