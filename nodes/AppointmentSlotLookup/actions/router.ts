/**
 * Operations of Appointment Slot Lookup. Every operation works item by item with the item's SchedulingProvider
 * (`open` gives the execution's provider cache, see provider-factory.ts); pairing, Continue On Fail and error
 * translation are the shared ones (nodes/shared/router.ts, items.ts, errors.ts).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { createRouter, perItem, type OperationHandler } from '../../shared/router';
import * as book from './book.operation';
import * as cancel from './cancel.operation';
import * as findSlots from './findSlots.operation';
import * as listAppointments from './listAppointments.operation';
import { SlotProviders } from './provider-factory';
import * as reschedule from './reschedule.operation';
import * as updateStatus from './updateStatus.operation';

export type SlotOperation =
	| 'findSlots'
	| 'book'
	| 'cancel'
	| 'reschedule'
	| 'listAppointments'
	| 'updateStatus';

type SlotExecute = (
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	itemIndex: number,
) => Promise<IDataObject[]>;

/** One item: its provider, then the operation. */
function withProvider(execute: SlotExecute): OperationHandler<SlotProviders> {
	return perItem<SlotProviders>(async function (i, providers) {
		return await execute.call(this, await providers.forItem(i), i);
	});
}

export const router = createRouter<SlotProviders, SlotOperation>({
	open: (ctx) => new SlotProviders(ctx),
	operations: {
		findSlots: withProvider(findSlots.execute),
		book: withProvider(book.execute),
		cancel: withProvider(cancel.execute),
		reschedule: withProvider(reschedule.execute),
		listAppointments: withProvider(listAppointments.execute),
		updateStatus: withProvider(updateStatus.execute),
	},
});
