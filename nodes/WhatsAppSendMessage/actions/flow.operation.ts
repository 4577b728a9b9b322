/** Send Flow: the interactive Flow message (a form inside WhatsApp, e.g. appointment booking). */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FlowInputError } from '../../../core/flows/errors';
import { buildFlowMessage } from '../../../core/flows/flow-message';
import { issueFlowToken } from '../../../core/flows/flow-token';
import type { SendJob } from '../../shared/send';
import { readFlowTokenKey } from '../../shared/flow-key';
import { forOperations, readItemRecipient, readOptions, sendOptionsProperty } from './fields';
import { messageJob } from './message-job';

const flowOnly = (extra: Record<string, string[]> = {}) => ({ show: { operation: ['flow'], ...extra } });

export const description: INodeProperties[] = [
	forOperations(['flow'], {
		displayName: 'Flow',
		name: 'flowBy',
		type: 'options',
		default: 'id',
		options: [
			{ name: 'By ID', value: 'id' },
			{ name: 'By Name', value: 'name' },
		],
		description: 'How to name the Flow to open',
	}),
	{
		displayName: 'Flow ID',
		name: 'flowId',
		type: 'string',
		default: '',
		placeholder: '1234567890123456',
		description: 'WhatsApp Manager → Flows, or the output of WhatsApp Flow → Create or Update Flow',
		displayOptions: flowOnly({ flowBy: ['id'] }),
	},
	{
		displayName: 'Flow Name',
		name: 'flowName',
		type: 'string',
		default: '',
		placeholder: 'appointment_booking_pt_BR',
		description: 'The Flow’s name in the WhatsApp Business Account',
		displayOptions: flowOnly({ flowBy: ['name'] }),
	},
	forOperations(['flow'], {
		displayName: 'Body',
		name: 'flowBody',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 3 },
		description: 'The message above the button (up to 1,024 characters)',
	}),
	forOperations(['flow'], {
		displayName: 'Button Text',
		name: 'flowCta',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Agendar consulta',
		description: 'The button that opens the Flow (up to 20 characters)',
	}),
	forOperations(['flow'], {
		displayName: 'Header Text',
		name: 'flowHeader',
		type: 'string',
		default: '',
		description: 'Optional bold line above the body (up to 60 characters)',
	}),
	forOperations(['flow'], {
		displayName: 'Footer',
		name: 'flowFooter',
		type: 'string',
		default: '',
		description: 'Optional small grey text (up to 60 characters)',
	}),
	forOperations(['flow'], {
		displayName: 'When Opened',
		name: 'flowAction',
		type: 'options',
		default: 'data_exchange',
		description: 'What the patient sees first when tapping the button',
		options: [
			{
				name: 'Ask the Endpoint (Data Exchange)',
				value: 'data_exchange',
				description: 'The WhatsApp Flow Trigger answers the first screen (INIT), e.g. with live data',
			},
			{
				name: 'Open a Screen',
				value: 'navigate',
				description: 'Start on a screen of the Flow JSON with the data given here',
			},
		],
	}),
	{
		displayName: 'First Screen',
		name: 'flowScreen',
		type: 'string',
		default: '',
		placeholder: 'SPECIALTY',
		description: 'The screen ID to open',
		displayOptions: flowOnly({ flowAction: ['navigate'] }),
	},
	{
		displayName: 'Screen Data (JSON)',
		name: 'flowData',
		type: 'json',
		default: '{}',
		description: 'The data the first screen declares',
		displayOptions: flowOnly({ flowAction: ['navigate'] }),
	},
	forOperations(['flow'], {
		displayName: 'Flow Token',
		name: 'flowTokenMode',
		type: 'options',
		default: 'signed',
		description: 'The token Meta passes to the endpoint and back in the completion message',
		options: [
			{
				name: 'Signed (Recommended)',
				value: 'signed',
				description:
					'A token the WhatsApp Flow Trigger can check (signed with the App Secret, expires); carries the reference and language below',
			},
			{ name: 'Custom', value: 'custom', description: 'Your own token (the trigger must accept any token)' },
		],
	}),
	{
		displayName: 'Reference',
		name: 'flowReference',
		type: 'string',
		default: '',
		placeholder: 'booking',
		description: 'What the workflow needs back from the token (an ID; no patient data: Meta can read it)',
		displayOptions: flowOnly({ flowTokenMode: ['signed'] }),
	},
	{
		displayName: 'Language',
		name: 'flowLanguage',
		type: 'string',
		default: 'pt_BR',
		description: 'The patient’s language (pt_BR, es, en_US): the endpoint answers in it',
		displayOptions: flowOnly({ flowTokenMode: ['signed'] }),
	},
	{
		displayName: 'Valid For (Minutes)',
		name: 'flowTokenTtl',
		type: 'number',
		default: 1440,
		typeOptions: { minValue: 1 },
		description: 'After this the Flow shows the expired message (427)',
		displayOptions: flowOnly({ flowTokenMode: ['signed'] }),
	},
	{
		displayName: 'Custom Flow Token',
		name: 'flowTokenValue',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'The flow_token Meta passes to the endpoint and back in the completion message',
		displayOptions: flowOnly({ flowTokenMode: ['custom'] }),
	},
	sendOptionsProperty(['flow']),
];

function screenData(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
	const raw = ctx.getNodeParameter('flowData', i, '{}') as unknown;
	let value: unknown = raw;
	let failure = '';
	if (typeof raw === 'string') {
		try {
			value = raw.trim() ? JSON.parse(raw) : {};
		} catch (error) {
			failure = (error as Error).message;
		}
	}
	if (failure || !value || typeof value !== 'object' || Array.isArray(value))
		throw new FlowInputError(`Screen Data (JSON) is not a JSON object${failure ? `: ${failure}` : ''}`, {
			field: 'Screen Data (JSON)',
			hint: 'Write an object such as { "specialty": "consultation" }.',
		});
	return value as Record<string, unknown>;
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<SendJob> {
	const options = readOptions(this, itemIndex);
	const recipient = readItemRecipient(this, itemIndex, options);
	const p = <T>(name: string, fallback: T): T => this.getNodeParameter(name, itemIndex, fallback) as T;
	const s = (name: string, fallback = '') => String(p<unknown>(name, fallback) ?? '');
	const flowToken =
		s('flowTokenMode', 'signed') === 'custom'
			? String(p('flowTokenValue', ''))
			: issueFlowToken(await readFlowTokenKey(this), {
					reference: String(p('flowReference', '')),
					language: String(p('flowLanguage', '') || '') || undefined,
					ttlMinutes: Number(p('flowTokenTtl', 1440)),
				});
	const navigate = s('flowAction', 'data_exchange') === 'navigate';
	const content = buildFlowMessage({
		...(s('flowBy', 'id') === 'name' ? { flowName: p('flowName', '') } : { flowId: p('flowId', '') }),
		body: p('flowBody', ''),
		cta: p('flowCta', ''),
		headerText: p('flowHeader', ''),
		footer: p('flowFooter', ''),
		flowToken,
		flowAction: navigate ? 'navigate' : 'data_exchange',
		...(navigate ? { screen: p('flowScreen', ''), data: screenData(this, itemIndex) } : {}),
	});
	return messageJob(recipient, content, options);
}
