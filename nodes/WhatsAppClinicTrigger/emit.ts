/**
 * The single place where emitted events become n8n items. Anything that must see every emitted event (the planned
 * "Audit to Store" option) hooks in here via `EmitHook`.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ClinicEvent } from '../../core/webhook/events';
import type { MediaAttachment } from './media';

export interface EmittedEvent {
	event: ClinicEvent;
	media?: MediaAttachment;
}

/** Called once per delivery with the events about to be emitted (after filtering, dedup and media download). */
export type EmitHook = (events: readonly EmittedEvent[]) => Promise<void>;

export function toItems(emitted: readonly EmittedEvent[], binaryPropertyName: string): INodeExecutionData[] {
	return emitted.map(({ event, media }) => {
		const json = { ...event } as unknown as IDataObject;
		if (media?.mediaError) json.mediaError = { ...media.mediaError };
		const item: INodeExecutionData = { json };
		if (media?.binary) item.binary = { [binaryPropertyName]: media.binary };
		return item;
	});
}

export async function emitEvents(
	emitted: readonly EmittedEvent[],
	binaryPropertyName: string,
	hooks: readonly EmitHook[] = [],
): Promise<INodeExecutionData[]> {
	for (const hook of hooks) await hook(emitted);
	return toItems(emitted, binaryPropertyName);
}
