/** WhatsApp Calling: the operation list and the fields several operations share. */
import type { INodeProperties } from 'n8n-workflow';

export type CallingOperation =
	| 'sendCallButton'
	| 'sendPermissionRequest'
	| 'getPermission'
	| 'getSettings'
	| 'updateSettings'
	| 'startCall'
	| 'preAcceptCall'
	| 'acceptCall'
	| 'rejectCall'
	| 'terminateCall';

export const SEND_OPERATIONS: CallingOperation[] = ['sendCallButton', 'sendPermissionRequest'];
export const CONTROL_OPERATIONS: CallingOperation[] = [
	'startCall',
	'preAcceptCall',
	'acceptCall',
	'rejectCall',
	'terminateCall',
];

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'sendCallButton',
	options: [
		{
			name: 'Accept Call',
			value: 'acceptCall',
			action: 'Accept a call',
			description: 'Answer a patient’s call with the SDP answer of your WebRTC or SIP endpoint',
		},
		{
			name: 'Get Call Permission',
			value: 'getPermission',
			action: 'Get the call permission',
			description: 'Whether the clinic may call this patient now, until when, and how many requests are left',
		},
		{
			name: 'Get Calling Settings',
			value: 'getSettings',
			action: 'Get the calling settings',
			description: 'Calling status, call icon, call hours, callback permission and SIP of the clinic number',
		},
		{
			name: 'Pre-Accept Call',
			value: 'preAcceptCall',
			action: 'Pre accept a call',
			description: 'Connect the media of a patient’s call early (before Accept), with the SDP answer',
		},
		{
			name: 'Reject Call',
			value: 'rejectCall',
			action: 'Reject a call',
			description: 'Decline a patient’s incoming call',
		},
		{
			name: 'Send Call Button',
			value: 'sendCallButton',
			action: 'Send a call button',
			description: 'A message with a button the patient taps to call the clinic on WhatsApp',
		},
		{
			name: 'Send Call Permission Request',
			value: 'sendPermissionRequest',
			action: 'Send a call permission request',
			description: 'Ask the patient to let the clinic call them (needed before the clinic calls)',
		},
		{
			name: 'Start Call',
			value: 'startCall',
			action: 'Start a call',
			description: 'Call a patient who gave call permission, with the SDP offer of your endpoint',
		},
		{
			name: 'Terminate Call',
			value: 'terminateCall',
			action: 'End a call',
			description: 'Hang up a call in progress',
		},
		{
			name: 'Update Calling Settings',
			value: 'updateSettings',
			action: 'Update the calling settings',
			description: 'Enable calling, show or hide the call icon, call hours, callback permission, SIP routing',
		},
	],
};

/** Shows a property only for the given operations. */
export function forOperations(operations: CallingOperation[], property: INodeProperties): INodeProperties {
	return { ...property, displayOptions: { show: { operation: operations } } };
}

/** Every operation but the given ones (for fields hidden with `hide`). */
export function allBut(operations: CallingOperation[]): string[] {
	return (operationProperty.options ?? [])
		.map((o) => String((o as { value: string }).value))
		.filter((v) => !operations.includes(v as CallingOperation));
}
