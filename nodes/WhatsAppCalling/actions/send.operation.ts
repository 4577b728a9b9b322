/**
 * Send Call Button and Send Call Permission Request: interactive messages to one patient per item, through the bulk
 * sender like every send (validation first, pacing, "Require Consent for Purpose", "Audit to Store", status sent /
 * failed / unknown / blocked). Both are free-form: they reach patients who wrote in the last 24 hours (outside it,
 * send an approved template with a VOICE_CALL button or a call permission request component with WhatsApp Send
 * Template). Calls are never made to groups (Meta: no calling in groups).
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_CALL_TTL_MINUTES,
	MAX_CALL_TTL_MINUTES,
	buildCallButton,
	buildCallPermissionRequest,
} from '../../../core/whatsapp/calling-messages';
import { contentJob } from '../../shared/content-job';
import type { SendJob } from '../../shared/send';
import {
	callbackDataOption,
	defaultCountryOption,
	messagesPerSecondOption,
	optionsCollection,
	phoneNumberIdOption,
	readDefaultCountry,
	readRecipient,
	type SendOptions,
} from '../../shared/send-fields';
import { forOperations, SEND_OPERATIONS } from './fields';

export const description: INodeProperties[] = [
	forOperations(['sendCallButton'], {
		displayName: 'Body',
		name: 'callButtonBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: 'You can call the clinic on WhatsApp now: tap the button below.',
		required: true,
		description: 'The text above the call button (up to 1,024 characters)',
		hint: 'Only reaches patients who wrote in the last 24 hours',
	}),
	forOperations(['sendCallButton'], {
		displayName: 'Button Text',
		name: 'buttonText',
		type: 'string',
		default: 'Call the clinic',
		description: 'The button caption, up to 20 characters (empty: WhatsApp shows "Call Now")',
	}),
	forOperations(['sendCallButton'], {
		displayName: 'Button Valid For (Minutes)',
		name: 'ttlMinutes',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_CALL_TTL_MINUTES },
		default: DEFAULT_CALL_TTL_MINUTES,
		description: 'After this the button stops working (1 minute to 30 days; default 7 days)',
	}),
	forOperations(['sendCallButton'], {
		displayName: 'Payload',
		name: 'payload',
		type: 'string',
		default: '',
		placeholder: 'CASE-2026-0042',
		description:
			'Returned with the patient’s call in the trigger (up to 512 characters), e.g. a case number. Never put patient data here.',
	}),
	forOperations(['sendPermissionRequest'], {
		displayName: 'Body',
		name: 'permissionBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: 'May our nurse call you on WhatsApp about your request? You can allow or decline below.',
		required: true,
		description:
			'Why the clinic wants to call (up to 1,024 characters); WhatsApp adds the Allow / Decline buttons',
		hint: 'WhatsApp limits how often you may ask (e.g. one request per 24 hours per patient)',
	}),
	forOperations(
		SEND_OPERATIONS,
		optionsCollection(
			[callbackDataOption, defaultCountryOption, messagesPerSecondOption, phoneNumberIdOption].sort((a, b) =>
				a.displayName.localeCompare(b.displayName),
			),
		),
	),
];

function recipientOf(ctx: IExecuteFunctions, i: number, options: SendOptions) {
	return readRecipient(ctx.getNodeParameter('recipient', i, ''), readDefaultCountry(options.defaultCountry));
}

export async function prepareCallButton(this: IExecuteFunctions, i: number): Promise<SendJob> {
	const options = this.getNodeParameter('options', i, {}) as SendOptions;
	const ttl = this.getNodeParameter('ttlMinutes', i, DEFAULT_CALL_TTL_MINUTES) as number | string;
	const content = buildCallButton({
		body: String(this.getNodeParameter('callButtonBody', i, '')),
		displayText: String(this.getNodeParameter('buttonText', i, '') ?? ''),
		ttlMinutes: ttl === '' || ttl === undefined ? undefined : Number(ttl),
		payload: String(this.getNodeParameter('payload', i, '') ?? ''),
	});
	return contentJob(recipientOf(this, i, options), content, options, { callMessage: 'call_button' });
}

export async function preparePermissionRequest(this: IExecuteFunctions, i: number): Promise<SendJob> {
	const options = this.getNodeParameter('options', i, {}) as SendOptions;
	const content = buildCallPermissionRequest({
		body: String(this.getNodeParameter('permissionBody', i, '')),
	});
	return contentJob(recipientOf(this, i, options), content, options, {
		callMessage: 'call_permission_request',
	});
}
