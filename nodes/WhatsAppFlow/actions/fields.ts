/** WhatsApp Flow's operation list and the fields several operations share. */
import type { INodeProperties } from 'n8n-workflow';

import { FLOW_CATEGORIES } from '../../../core/flows/management';
import { LANGUAGE_NAMES, LANGUAGES } from '../../../core/i18n';

export type FlowOperation =
	| 'respond'
	| 'createOrUpdate'
	| 'validate'
	| 'publish'
	| 'deprecate'
	| 'getPreviewUrl'
	| 'list'
	| 'generateKeyPair'
	| 'uploadPublicKey'
	| 'getPublicKey';

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'respond',
	options: [
		{
			name: 'Create or Update Flow',
			value: 'createOrUpdate',
			description: 'Create the Flow (or find it by name) and upload its Flow JSON and endpoint',
			action: 'Create or update a flow',
		},
		{
			name: 'Deprecate Flow',
			value: 'deprecate',
			description: 'Stop a published Flow from being sent',
			action: 'Deprecate a flow',
		},
		{
			name: 'Generate and Upload Key Pair',
			value: 'generateKeyPair',
			description:
				'New RSA key pair: the public key is uploaded to the phone number, the private key is output ENCRYPTED with the credential’s passphrase',
			action: 'Generate and upload a key pair',
		},
		{
			name: 'Get Preview URL',
			value: 'getPreviewUrl',
			description: 'A link to try the Flow in a browser',
			action: 'Get the preview URL of a flow',
		},
		{
			name: 'Get Public Key Status',
			value: 'getPublicKey',
			description: 'Whether the key at Meta matches the credential and is signed',
			action: 'Get the public key status',
		},
		{
			name: 'List Flows',
			value: 'list',
			description: 'Flows of the WhatsApp Business Account',
			action: 'List flows',
		},
		{
			name: 'Publish Flow',
			value: 'publish',
			description: 'Make a draft Flow sendable to everyone',
			action: 'Publish a flow',
		},
		{
			name: 'Respond to Flow',
			value: 'respond',
			description: 'Answer the WhatsApp Flow Trigger: the next screen, the end of the Flow, or an error',
			action: 'Respond to a flow request',
		},
		{
			name: 'Upload Public Key',
			value: 'uploadPublicKey',
			description: 'Upload the public key of the credential’s private key to the phone number',
			action: 'Upload the public key',
		},
		{
			name: 'Validate Flow JSON',
			value: 'validate',
			description: 'Check a Flow JSON as Meta’s publisher and the WhatsApp client do, without uploading it',
			action: 'Validate a flow JSON',
		},
	],
};

export const show = (operation: FlowOperation[]) => ({ show: { operation } });

export const flowIdField: INodeProperties = {
	displayName: 'Flow ID',
	name: 'flowId',
	type: 'string',
	default: '',
	required: true,
	placeholder: '1234567890123456',
	description:
		'The Flow’s ID (WhatsApp Manager → Flows, or the output of Create or Update Flow / List Flows)',
	displayOptions: show(['publish', 'deprecate', 'getPreviewUrl']),
};

export const flowJsonFields: INodeProperties[] = [
	{
		displayName: 'Flow JSON Source',
		name: 'flowJsonSource',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'Text Field', value: 'text', description: 'Paste the Flow JSON below (or use an expression)' },
			{ name: 'Binary File', value: 'binary', description: 'A JSON file in a binary field of the item' },
			{
				name: 'Shipped Booking Flow',
				value: 'bookingFlow',
				description:
					'The appointment-booking Flow that workflow 09 answers, in the language below, with your texts',
			},
		],
		displayOptions: show(['createOrUpdate', 'validate']),
	},
	{
		displayName: 'Flow Language',
		name: 'bookingFlowLanguage',
		type: 'options',
		default: 'pt_BR',
		options: LANGUAGES.map((value) => ({ name: LANGUAGE_NAMES[value], value })),
		description:
			'The language of the Flow’s screens (one Flow per language, e.g. named appointment_booking_pt_BR)',
		displayOptions: {
			show: { operation: ['createOrUpdate', 'validate'], flowJsonSource: ['bookingFlow'] },
		},
	},
	{
		displayName: 'Texts',
		name: 'bookingFlowTexts',
		type: 'json',
		default: '{}',
		description:
			'Your wording of the Flow’s texts, same shape as Clinic Conversation’s Texts: { "flow_specialty_heading": { "pt_BR": "…", "es": "…", "en": "…" } }. Names: the flow_* entries of the text table (docs/language.md). Empty = the built-in texts.',
		hint: 'Only the texts you change: the others keep the built-in wording',
		displayOptions: {
			show: { operation: ['createOrUpdate', 'validate'], flowJsonSource: ['bookingFlow'] },
		},
	},
	{
		displayName: 'Flow JSON',
		name: 'flowJson',
		type: 'json',
		default: '{\n  "version": "7.3",\n  "screens": []\n}',
		description:
			'The Flow JSON text, e.g. the shipped appointment-booking Flow from the workflows/flows folder',
		displayOptions: { show: { operation: ['createOrUpdate', 'validate'], flowJsonSource: ['text'] } },
	},
	{
		displayName: 'Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		description: 'Name of the binary field holding the Flow JSON file',
		displayOptions: { show: { operation: ['createOrUpdate', 'validate'], flowJsonSource: ['binary'] } },
	},
	{
		displayName: 'Flow Name',
		name: 'flowName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'appointment_booking_pt_BR',
		description: 'Unique in the WhatsApp Business Account; an existing Flow with this name is updated',
		displayOptions: show(['createOrUpdate']),
	},
	{
		displayName: 'Categories',
		name: 'categories',
		type: 'multiOptions',
		default: ['APPOINTMENT_BOOKING'],
		options: FLOW_CATEGORIES.map((c) => ({
			name: c
				.toLowerCase()
				.split('_')
				.map((w) => w[0].toUpperCase() + w.slice(1))
				.join(' '),
			value: c,
		})),
		description: 'What the Flow is for (Meta requires at least one)',
		displayOptions: show(['createOrUpdate']),
	},
	{
		displayName: 'Endpoint URI',
		name: 'endpointUri',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.clinic.example/webhook/…/flow',
		description:
			'The Production URL of the WhatsApp Flow Trigger (https). Empty = leave the Flow’s endpoint as it is.',
		displayOptions: show(['createOrUpdate']),
	},
	{
		displayName: 'Publish After Upload',
		name: 'publishAfter',
		type: 'boolean',
		default: false,
		description:
			'Whether to publish the Flow right after a clean upload (published Flows cannot be edited: a change needs a new Flow)',
		displayOptions: show(['createOrUpdate']),
	},
];
