/**
 * Call control for clinics that bring their own WebRTC or SIP endpoint: the node passes SDP between Meta and that
 * endpoint (it does no media). A patient's call arrives as a trigger `call` item (callEvent connect, sdpType offer,
 * sdp): give its sdp to your endpoint, then Pre-Accept (optional) and Accept with your SDP answer, or Reject.
 * Start Call calls a patient who gave call permission (SDP offer); Terminate hangs up.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { callAction, type CallAction } from '../../../core/whatsapp/calling';
import { parseRecipient, recipientLabel } from '../../../core/whatsapp/phone';
import { perItem } from '../../shared/router';
import type { WhatsAppContext } from '../../shared/transport';
import { forOperations, type CallingOperation } from './fields';

const ACTION: Record<string, CallAction> = {
	startCall: 'connect',
	preAcceptCall: 'pre_accept',
	acceptCall: 'accept',
	rejectCall: 'reject',
	terminateCall: 'terminate',
};

export const description: INodeProperties[] = [
	forOperations(['preAcceptCall', 'acceptCall', 'rejectCall', 'terminateCall'], {
		displayName: 'Call ID',
		name: 'callId',
		type: 'string',
		default: '={{ $json.callId }}',
		required: true,
		placeholder: 'wacid.ABGGFjFVU2AfAgo6V…',
		description: 'The call: the callId of the trigger’s call item, or of Start Call',
	}),
	forOperations(['startCall', 'preAcceptCall', 'acceptCall'], {
		displayName: 'SDP',
		name: 'sdp',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		placeholder: 'v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1…',
		description:
			'The session description from your WebRTC or SIP endpoint (RFC 8866, starts with v=0): the offer for Start Call, the answer to the patient’s offer for Pre-Accept and Accept. Passed to WhatsApp unchanged.',
	}),
	forOperations(['startCall'], {
		displayName: 'Callback Data',
		name: 'callCallbackData',
		type: 'string',
		default: '',
		placeholder: 'CASE-2026-0042',
		description:
			'Returned with every webhook of this call (biz_opaque_callback_data), e.g. a case number. Never put patient data here.',
	}),
];

function execute(operation: CallingOperation) {
	return perItem<WhatsAppContext>(async function (this: IExecuteFunctions, i, context): Promise<IDataObject> {
		const action = ACTION[operation];
		const to =
			action === 'connect'
				? recipientLabel(
						parseRecipient(this.getNodeParameter('recipient', i, ''), { field: 'Recipient' }),
					).replace(/^\+/, '')
				: undefined;
		const result = await callAction(context.client, context.phoneNumberId, {
			action,
			to,
			callId: action === 'connect' ? undefined : String(this.getNodeParameter('callId', i, '') ?? ''),
			sdp: ['connect', 'pre_accept', 'accept'].includes(action)
				? String(this.getNodeParameter('sdp', i, '') ?? '')
				: undefined,
			bizOpaqueCallbackData:
				action === 'connect' ? String(this.getNodeParameter('callCallbackData', i, '') ?? '') : undefined,
		});
		return { callId: result.callId, action, success: result.success, ...(to ? { to } : {}) };
	});
}

export const startCall = execute('startCall');
export const preAcceptCall = execute('preAcceptCall');
export const acceptCall = execute('acceptCall');
export const rejectCall = execute('rejectCall');
export const terminateCall = execute('terminateCall');
