/**
 * Respond to Flow: the answer to the WhatsApp Flow Trigger's request, encrypted with the request's AES key and the
 * flipped IV and sent through n8n's response hook (the trigger runs in responseNode mode). Runs once for all input
 * items: options of a dropdown or radio group can be built from them (e.g. one item per free slot).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { flowTokenExpiredText } from '../../../core/flows/booking-flow';
import { encryptFlowResponse, recoverFlowSession } from '../../../core/flows/crypto';
import { FlowInputError } from '../../../core/flows/errors';
import {
	completeResponse,
	errorMessageResponse,
	invalidTokenBody,
	nextScreenResponse,
} from '../../../core/flows/response';
import { allInputs } from '../../shared/items';
import { readFlowPrivateKey } from '../../shared/flow-key';
import { show } from './fields';

const TRIGGER_TYPE = 'whatsAppFlowTrigger';
const respondWith = (values: string[]) => ({ show: { operation: ['respond'], respondWith: values } });

export const description: INodeProperties[] = [
	{
		displayName: 'Respond With',
		name: 'respondWith',
		type: 'options',
		default: 'nextScreen',
		options: [
			{ name: 'Next Screen', value: 'nextScreen', description: 'Show a screen with its data' },
			{
				name: 'Complete the Flow',
				value: 'complete',
				description: 'Close the Flow; the parameters come back in the completion message (nfm_reply)',
			},
			{
				name: 'Error Message on a Screen',
				value: 'errorMessage',
				description: 'Show a screen again with a short error message (e.g. an answer that is not valid)',
			},
			{
				name: 'Flow Token No Longer Valid (427)',
				value: 'invalidToken',
				description: 'The patient sees the message and the Flow is closed for good',
			},
		],
		displayOptions: show(['respond']),
	},
	{
		displayName: 'Screen',
		name: 'screen',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'TIME',
		description: 'The screen ID from the Flow JSON',
		displayOptions: respondWith(['nextScreen', 'errorMessage']),
	},
	{
		displayName: 'Screen Data (JSON)',
		name: 'screenData',
		type: 'json',
		default: '{}',
		description:
			'The data the screen declares (its "data" in the Flow JSON), e.g. { "date": "2026-03-12", "slot_taken": false }',
		displayOptions: respondWith(['nextScreen', 'errorMessage']),
	},
	{
		displayName: 'Options From Input Items',
		name: 'optionsFromItems',
		type: 'boolean',
		default: false,
		description:
			'Whether to add a list of options (for a Dropdown or RadioButtonsGroup) built from the input items, one option per item',
		displayOptions: respondWith(['nextScreen', 'errorMessage']),
	},
	{
		displayName: 'Options Data Field',
		name: 'optionsField',
		type: 'string',
		default: 'slots',
		description:
			'The screen data field that receives the options (the component’s data-source, e.g. ${data.slots})',
		displayOptions: { show: { operation: ['respond'], optionsFromItems: [true] } },
	},
	{
		displayName: 'Option ID',
		name: 'optionId',
		type: 'string',
		default: '={{ $json.slotId }}',
		description: 'Per item: what the Flow sends back when this option is chosen',
		displayOptions: { show: { operation: ['respond'], optionsFromItems: [true] } },
	},
	{
		displayName: 'Option Title',
		name: 'optionTitle',
		type: 'string',
		default: '={{ $json.label }}',
		description: 'Per item: the text the patient sees (items with an empty ID or title are skipped)',
		displayOptions: { show: { operation: ['respond'], optionsFromItems: [true] } },
	},
	{
		displayName: 'Error Message',
		name: 'errorMessage',
		type: 'string',
		default: '',
		required: true,
		description: 'Shown on the screen as a short notice',
		displayOptions: respondWith(['errorMessage']),
	},
	{
		displayName: 'Completion Parameters (JSON)',
		name: 'completeParams',
		type: 'json',
		default: '{}',
		description:
			'Sent back in the completion message’s response_json (the flow token is added), e.g. { "appointment_id": "…" }',
		displayOptions: respondWith(['complete']),
	},
	{
		displayName: 'Message',
		name: 'closedMessage',
		type: 'string',
		default: '',
		description: 'What the patient reads. Empty = the built-in text in the token’s language.',
		displayOptions: respondWith(['invalidToken']),
	},
];

function jsonObject(ctx: IExecuteFunctions, name: string, label: string): Record<string, unknown> {
	const raw = ctx.getNodeParameter(name, 0, '{}') as unknown;
	let value: unknown = raw;
	let failure = '';
	if (typeof raw === 'string') {
		try {
			value = raw.trim() === '' ? {} : JSON.parse(raw);
		} catch (error) {
			failure = (error as Error).message;
		}
	}
	if (failure)
		throw new FlowInputError(`${label} is not valid JSON: ${failure}`, {
			field: label,
			hint: 'Write an object such as { "date": "2026-03-12" } (double quotes around names and texts).',
		});
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw new FlowInputError(`${label} must be a JSON object`, {
			field: label,
			hint: 'Wrap the values in { }.',
		});
	return value as Record<string, unknown>;
}

/** The trigger's item of this execution (the request being answered). */
function triggerEvent(ctx: IExecuteFunctions): IDataObject {
	const trigger = ctx
		.getParentNodes(ctx.getNode().name)
		.find((n) => n.type.endsWith(`.${TRIGGER_TYPE}`) || n.type === TRIGGER_TYPE);
	if (!trigger)
		throw new FlowInputError('Respond to Flow needs a WhatsApp Flow Trigger before it', {
			field: 'Operation',
			hint: 'Start the workflow with WhatsApp Flow Trigger and connect this node on its path.',
		});
	const json = ctx.evaluateExpression(`{{ $('${trigger.name.replace(/'/g, "\\'")}').first().json }}`, 0);
	return (json && typeof json === 'object' ? json : {}) as IDataObject;
}

function optionsFrom(ctx: IExecuteFunctions, items: INodeExecutionData[]) {
	const options: Array<{ id: string; title: string }> = [];
	items.forEach((_, i) => {
		const id = String(ctx.getNodeParameter('optionId', i, '') ?? '').trim();
		const title = String(ctx.getNodeParameter('optionTitle', i, '') ?? '').trim();
		if (id && title && !options.some((o) => o.id === id)) options.push({ id, title: title.slice(0, 80) });
	});
	return options;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const event = triggerEvent(this);
	const mode = this.getNodeParameter('respondWith', 0, 'nextScreen') as string;
	const flowToken = String(event.flowToken ?? '');
	let status = 200;
	let body: unknown;
	if (mode === 'complete')
		body = completeResponse(flowToken, jsonObject(this, 'completeParams', 'Completion Parameters (JSON)'));
	else if (mode === 'invalidToken') {
		status = 427;
		const text = String(this.getNodeParameter('closedMessage', 0, '') ?? '').trim();
		body = invalidTokenBody(text || flowTokenExpiredText(event.language as string | undefined));
	} else {
		const data = jsonObject(this, 'screenData', 'Screen Data (JSON)');
		if (this.getNodeParameter('optionsFromItems', 0, false)) {
			const field = String(this.getNodeParameter('optionsField', 0, 'slots')).trim() || 'slots';
			data[field] = optionsFrom(this, items);
		}
		const screen = String(this.getNodeParameter('screen', 0, ''));
		body =
			mode === 'errorMessage'
				? errorMessageResponse(screen, String(this.getNodeParameter('errorMessage', 0, '')), data)
				: nextScreenResponse(screen, data);
	}
	const session = recoverFlowSession(
		event.flowSession as IDataObject | undefined,
		await readFlowPrivateKey(this),
	);
	const encrypted = encryptFlowResponse(body, session);
	await this.sendResponse({
		body: Buffer.from(encrypted, 'utf8'),
		headers: { 'content-type': 'text/plain; charset=utf-8' },
		statusCode: status,
	});
	const screen = (body as { screen?: string }).screen ?? null;
	return [
		[
			{
				json: { responded: true, status, respondWith: mode, screen, flowToken },
				pairedItem: allInputs(items),
			},
		],
	];
}
