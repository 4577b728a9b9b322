/** A faked IExecuteFunctions for the Appointment Slot Lookup node tests (parameters, credentials, HTTP, hints). */
import type { IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';

export interface Ctx {
	/** Execution hints the node added (filled by the fake). */
	hints?: NodeExecutionHint[];
	params: Record<string, unknown> | ((name: string, i: number) => unknown);
	items?: INodeExecutionData[];
	credentials?: Record<string, Record<string, unknown>>;
	continueOnFail?: boolean;
	http?: jest.Mock;
}

export function context(c: Ctx): IExecuteFunctions {
	const items = c.items ?? [{ json: {} }];
	return {
		getInputData: () => items,
		getNodeParameter: (name: string, i: number, fallback?: unknown) => {
			const v = typeof c.params === 'function' ? c.params(name, i) : c.params[name];
			return v === undefined ? fallback : v;
		},
		getNode: () => ({
			id: 'n1',
			name: 'Appointment Slot Lookup',
			type: 'n8n-nodes-whatsapp-clinic.appointmentSlotLookup',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getCredentials: async (type: string) => {
			const data = c.credentials?.[type];
			if (!data)
				throw new Error(`Node "Appointment Slot Lookup" does not have any credentials of type "${type}" set`);
			return data;
		},
		getInstanceId: () => 'test-instance',
		getWorkflow: () => ({ id: 'wf-test', name: 'Test workflow', active: false }),
		getExecutionId: () => 'exec-1',
		continueOnFail: () => c.continueOnFail ?? false,
		addExecutionHints: (...hints: NodeExecutionHint[]) => c.hints?.push(...hints),
		helpers: { httpRequestWithAuthentication: c.http ?? jest.fn() },
	} as unknown as IExecuteFunctions;
}
