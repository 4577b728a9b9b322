/**
 * Operations of Appointment Slot Lookup. Appointment operations work item by item with the item's
 * SchedulingProvider; Waitlist operations with the item's waitlist (WaitlistAccess: the Clinic Store, the waitlist
 * of the item's scheduling settings, and the provider Claim Offer books through). `open` gives the execution's
 * caches (provider-factory.ts); pairing, Continue On Fail and error translation are the shared ones
 * (nodes/shared/router.ts, items.ts, errors.ts).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { createRouter, perItem, type OperationHandler } from '../../shared/router';
import * as book from './book.operation';
import * as cancel from './cancel.operation';
import * as claimOffer from './claimOffer.operation';
import * as findFreedSlots from './findFreedSlots.operation';
import * as findSlots from './findSlots.operation';
import * as joinWaitlist from './joinWaitlist.operation';
import * as leaveWaitlist from './leaveWaitlist.operation';
import * as listAppointments from './listAppointments.operation';
import * as listWaitlist from './listWaitlist.operation';
import * as offerFreedSlot from './offerFreedSlot.operation';
import { SlotProviders } from './provider-factory';
import * as reschedule from './reschedule.operation';
import * as updateStatus from './updateStatus.operation';
import { WaitlistAccess, type WaitlistItem } from './waitlist-access';
import type { WaitlistOperation } from './waitlist-fields';

export type SlotOperation =
	| 'findSlots'
	| 'book'
	| 'cancel'
	| 'reschedule'
	| 'listAppointments'
	| 'updateStatus'
	| WaitlistOperation;

/** What every operation of one execution shares. */
export class SlotServices {
	readonly providers: SlotProviders;
	readonly waitlists: WaitlistAccess;

	constructor(ctx: IExecuteFunctions) {
		this.providers = new SlotProviders(ctx);
		this.waitlists = new WaitlistAccess(ctx, this.providers);
	}
}

type SlotExecute = (
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	itemIndex: number,
) => Promise<IDataObject[]>;

type WaitlistExecute = (
	this: IExecuteFunctions,
	waitlist: WaitlistItem,
	itemIndex: number,
) => Promise<IDataObject[]>;

/** One item: its provider, then the operation. */
function withProvider(execute: SlotExecute): OperationHandler<SlotServices> {
	return perItem<SlotServices>(async function (i, services) {
		return await execute.call(this, await services.providers.forItem(i), i);
	});
}

/** One item: its waitlist, then the operation. */
function withWaitlist(execute: WaitlistExecute): OperationHandler<SlotServices> {
	return perItem<SlotServices>(async function (i, services) {
		return await execute.call(this, await services.waitlists.forItem(i), i);
	});
}

export const router = createRouter<SlotServices, SlotOperation>({
	open: (ctx) => new SlotServices(ctx),
	operations: {
		findSlots: withProvider(findSlots.execute),
		book: withProvider(book.execute),
		cancel: withProvider(cancel.execute),
		reschedule: withProvider(reschedule.execute),
		listAppointments: withProvider(listAppointments.execute),
		updateStatus: withProvider(updateStatus.execute),
		joinWaitlist: withWaitlist(joinWaitlist.execute),
		leaveWaitlist: withWaitlist(leaveWaitlist.execute),
		listWaitlist: withWaitlist(listWaitlist.execute),
		offerFreedSlot: withWaitlist(offerFreedSlot.execute),
		claimOffer: withWaitlist(claimOffer.execute),
		findFreedSlots: withWaitlist(findFreedSlots.execute),
	},
});
