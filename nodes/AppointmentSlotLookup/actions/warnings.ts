/**
 * Warnings of one provider call (e.g. a FHIR server that reported more results than it let us read): put on every
 * output item as `warnings` and shown above the output as an execution hint, so a cut-off answer never passes as a
 * complete one.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { SchedulingWarning, WarningSink } from '../../../core/scheduling/types';

export class CallWarnings {
	private readonly list: SchedulingWarning[] = [];

	readonly sink: WarningSink = (warning) => {
		this.list.push(warning);
	};

	/** `items` with `warnings: string[]` added when there were any; the hint is shown either way. */
	apply(ctx: IExecuteFunctions, items: IDataObject[]): IDataObject[] {
		if (!this.list.length) return items;
		const messages = this.list.map((w) => w.message);
		ctx.addExecutionHints?.(...messages.map((message) => ({ message, type: 'warning' as const })));
		return items.map((item) => ({ ...item, warnings: messages }));
	}
}
