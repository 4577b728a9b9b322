/** Item loop of Appointment Slot Lookup: one provider per configuration, pairedItem on every output, continueOnFail. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { settle } from '../../../core/settle';
import * as book from './book.operation';
import * as cancel from './cancel.operation';
import { getProvider, toNodeError } from './common';
import * as findSlots from './findSlots.operation';
import * as listAppointments from './listAppointments.operation';
import * as reschedule from './reschedule.operation';
import * as updateStatus from './updateStatus.operation';

export type SlotOperation =
	| 'findSlots'
	| 'book'
	| 'cancel'
	| 'reschedule'
	| 'listAppointments'
	| 'updateStatus';

type Handler = (
	this: IExecuteFunctions,
	provider: SchedulingProvider,
	itemIndex: number,
) => Promise<IDataObject[]>;

export const handlers: Record<SlotOperation, Handler> = {
	findSlots: findSlots.execute,
	book: book.execute,
	cancel: cancel.execute,
	reschedule: reschedule.execute,
	listAppointments: listAppointments.execute,
	updateStatus: updateStatus.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as SlotOperation;
	const handler = handlers[operation];
	const providers = new Map<string, SchedulingProvider>();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const res = await settle(async () => {
			if (!handler) throw new Error(`The operation "${String(operation)}" is not supported`);
			const provider = await getProvider(this, i, providers);
			return await handler.call(this, provider, i);
		});
		if (res.ok) {
			for (const json of res.value) out.push({ json, pairedItem: { item: i } });
			continue;
		}
		const error = toNodeError(this, res.error, i);
		if (this.continueOnFail()) {
			out.push({
				json: { error: error.message, ...(error.description ? { errorDetails: error.description } : {}) },
				pairedItem: { item: i },
			});
			continue;
		}
		throw error;
	}
	return [out];
}
