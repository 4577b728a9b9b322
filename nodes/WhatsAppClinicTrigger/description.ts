import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_EVENT_FILTER } from '../../core/webhook/filter';
import { DEFAULT_MAX_EVENT_AGE_DAYS } from '../../core/webhook/replay-window';
import { triggerAuditProperty } from '../shared/audit-option';

export const properties: INodeProperties[] = [
	{
		displayName: 'Webhook Registration',
		name: 'webhookRegistration',
		type: 'options',
		noDataExpression: true,
		default: 'manual',
		options: [
			{
				name: 'Manual (Paste URL in Meta App Dashboard)',
				value: 'manual',
				description:
					'You paste this node’s Production URL and the verify token into Meta once; nothing is changed in Meta',
			},
			{
				name: 'Per-Number Override (Automatic)',
				value: 'perNumberOverride',
				description:
					'On activation the node points the phone number’s message webhooks to this workflow; several workflows (numbers, clinics) can share one Meta app',
			},
		],
		description: 'How Meta learns where to send this number’s webhooks',
	},
	{
		displayName:
			'Copy the Production URL shown above (Webhook URLs) into Meta App Dashboard → WhatsApp → Configuration → Callback URL, put the credential’s Webhook Verify Token into "Verify token", click "Verify and save", then subscribe to the "messages" field (and the fields of the other events you select below: "calls" for calls, the four "group_…" fields for group updates, template or account fields). Publish this workflow before verifying: Meta calls the URL to check it.',
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { webhookRegistration: ['manual'] } },
	},
	{
		displayName:
			'When this workflow is published, each phone number below (or the credential’s number) gets a webhook override pointing to this workflow’s Production URL (must be public https); unpublishing removes it. Overrides carry messages and statuses only: template and account updates still go to the app’s own callback URL.',
		name: 'overrideNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { webhookRegistration: ['perNumberOverride'] } },
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		default: [...DEFAULT_EVENT_FILTER],
		options: [
			{
				name: 'Account Updates',
				value: 'account_update',
				description: 'Account, review, phone number quality or name changes',
			},
			{
				name: 'Calls',
				value: 'call',
				description:
					'Voice calls (Business Calling API): a patient calls (with the SDP offer), your call rings, is accepted or rejected, a call ends (with its duration)',
			},
			{
				name: 'Chat History From the WhatsApp Business App',
				value: 'history',
				description: 'Past chats of a number shared with the WhatsApp Business app, in chunks',
			},
			{
				name: 'Contacts Synced From the WhatsApp Business App',
				value: 'app_state_sync',
				description: 'A contact added, edited or removed in the WhatsApp Business app of a shared number',
			},
			{
				name: 'Errors',
				value: 'error',
				description: 'Errors Meta reports outside a message (for example media download errors)',
			},
			{
				name: 'Group Updates',
				value: 'group_update',
				description:
					'Care-team groups: created or deleted (with the invite link), participants joined, left or asked to join, settings or status changed',
			},
			{
				name: 'Messages From Patients',
				value: 'message',
				description:
					'Every inbound message (text, media, buttons, replies, edits, deletions, call permission answers; group messages with the group ID)',
			},
			{
				name: 'Messages Sent From the WhatsApp Business App',
				value: 'echo',
				description:
					'On a number shared with the WhatsApp Business app: each message staff sent from the app',
			},
			{ name: 'Other Updates', value: 'other', description: 'Any other webhook field, unparsed' },
			{
				name: 'Status: Delivered',
				value: 'status.delivered',
				description: 'A message you sent reached the phone',
			},
			{
				name: 'Status: Failed',
				value: 'status.failed',
				description: 'A message you sent could not be delivered (with Meta’s error)',
			},
			{ name: 'Status: Other', value: 'status.other', description: 'Status values Meta may add in future' },
			{
				name: 'Status: Played',
				value: 'status.played',
				description: 'The patient played a voice message you sent',
			},
			{ name: 'Status: Read', value: 'status.read', description: 'The patient opened a message you sent' },
			{ name: 'Status: Sent', value: 'status.sent', description: 'Meta accepted a message you sent' },
			{
				name: 'Template Updates',
				value: 'template_update',
				description: 'Template approved, rejected, paused, re-categorised or quality changed',
			},
			{
				name: 'User Preferences',
				value: 'user_preference',
				description: 'A patient stopped or resumed marketing messages',
			},
		],
		description:
			'Which events start the workflow. Status updates arrive up to three times per sent message, so they are off by default.',
		hint: 'One item per event; a delivery with several messages gives several items',
	},
	{
		displayName: 'Phone Number IDs',
		name: 'phoneNumberIds',
		type: 'string',
		default: '',
		placeholder: '106540352242922, 109876543210987',
		description:
			'Only events received by these phone number IDs (comma-separated). Empty = the credential’s phone number. * = every number of the Meta app. Template and account updates are not tied to a number and always pass.',
	},
	{
		displayName: 'Remember Processed Events In',
		name: 'deduplicationStore',
		type: 'options',
		noDataExpression: true,
		default: 'workflow',
		options: [
			{
				name: 'This Workflow (Single Instance)',
				value: 'workflow',
				description:
					'In memory plus the workflow’s static data (last 5,000 events, survives restarts). Enough for one n8n process.',
			},
			{
				name: 'Clinic Store (Queue Mode, Several Webhook Processes)',
				value: 'clinicStore',
				description:
					'Also claim every event in the clinic database, so that several n8n processes never emit the same event twice. Kept for the whole "Max Event Age" (at least Meta’s 7-day retry window) plus one hour.',
			},
		],
		description:
			'Where the trigger remembers which messages and statuses it already emitted. Meta re-sends webhooks for up to 7 days.',
	},
	triggerAuditProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Binary Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'Name of the binary property the downloaded media is stored in',
			},
			{
				displayName: 'Download Media',
				name: 'downloadMedia',
				type: 'boolean',
				default: false,
				description:
					'Whether to download images, documents, audio, video and stickers into the item’s binary data. A failed download keeps the message and adds "mediaError".',
			},
			{
				displayName: 'Include Raw Change',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add Meta’s unmodified change object to each item as "raw"',
			},
			{
				displayName: 'Max Event Age (Days)',
				name: 'maxEventAgeDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 30, numberPrecision: 0 },
				default: DEFAULT_MAX_EVENT_AGE_DAYS,
				description:
					'Events older than this (by the time Meta gives them) are dropped without starting the workflow and counted in the n8n log. Protects against replayed webhooks. Meta re-sends a webhook for up to 7 days, so a lower value can drop a genuine late delivery.',
				hint: 'Keep 7 unless you have a reason: it is exactly Meta’s retry window',
			},
			{
				displayName: 'Max Media Size (MB)',
				name: 'maxMediaSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.1, maxValue: 100, numberPrecision: 1 },
				default: 16,
				description:
					'Larger files are not downloaded (the item gets "mediaError"). Meta’s own limits still apply: images 5 MB, audio and video 16 MB, documents 100 MB, stickers 0.5 MB.',
			},
		],
	},
];
