/**
 * What each peer webhook body (../shared/fixtures/peer-webhooks) must give, written from Meta's webhook references:
 * `doc` names the reference (docs/webhook-events.md links each one), `events` lists one entry per event the body
 * describes, in delivery order: its kind (`message:<type>`, `echo:<type>` or the event name) and the typed fields
 * that reference defines. Bodies with placeholder values (`<WHATSAPP_MESSAGE_ID>`) are Meta's own syntax examples.
 */

export interface PeerExpectation {
	/** Meta references the body follows (keys of the table in docs/webhook-events.md). */
	doc: string[];
	events: Array<{ kind: string } & Record<string, unknown>>;
	/** Top-level keys that are not part of Meta's webhook (a test suite's own data beside the envelope). */
	notWebhook?: string[];
}

const PYWA_PHONE = {
	phoneNumberId: '1122334455667',
	displayPhoneNumber: '972123456789',
};
const PYWA_WABA = '1234567890987654321';
/** The user of most pywa bodies, as its `contacts[]` entry describes them. */
const TEST_USER = {
	from: '972987654321',
	userId: 'US.13491208655302741918',
	parentUserId: 'US.ENT.11815799212886844830',
	profileName: 'Test Name',
};
const pywaMessage = (kind: string, fields: Record<string, unknown>, waba = PYWA_WABA) => ({
	kind,
	event: 'message',
	field: 'messages',
	wabaId: waba,
	...PYWA_PHONE,
	...TEST_USER,
	groupId: null,
	...fields,
});
const forwarded = { forwarded: true, frequentlyForwarded: false, id: null, from: null };
const pywaStatus = (status: string, fields: Record<string, unknown>) => ({
	kind: 'status',
	event: 'status',
	field: 'messages',
	wabaId: '5467539754836534',
	...PYWA_PHONE,
	status,
	messageId: 'wamid.xyzxyz',
	recipient: '972987654321',
	recipientUserId: TEST_USER.userId,
	recipientType: null,
	groupId: null,
	profileName: 'Test Name',
	...fields,
});
const cbpService = {
	pricing: { billable: true, pricingModel: 'CBP', type: null, category: 'service' },
};
const accountUpdate = (updateEvent: string, wabaId = '102290129340398') => ({
	kind: 'account_update',
	event: 'account_update',
	field: 'account_update',
	wabaId,
	phoneNumberId: null,
	updateEvent,
});

export const PEER_EXPECTATIONS: Record<string, PeerExpectation> = {
	'kapso__all_fields_batch.json': {
		doc: [
			'account_alerts',
			'account_review_update',
			'account_update',
			'business_capability_update',
			'history',
			'message_template_components_update',
			'message_template_quality_update',
			'message_template_status_update',
			'messages',
			'smb_message_echoes',
			'messages/status',
			'calls',
			'partner_solutions',
			'payment_configuration_update',
			'phone_number_name_update',
			'phone_number_quality_update',
			'security',
			'smb_app_state_sync',
			'template_category_update',
			'user_preferences',
		],
		events: [
			{
				kind: 'account_update',
				field: 'account_alerts',
				details: { alert_info: { alert_severity: 'WARNING' } },
			},
			{ kind: 'account_update', field: 'account_review_update', updateEvent: 'APPROVED' },
			{ kind: 'account_update', field: 'account_update', updateEvent: 'ACCOUNT_DELETED' },
			{
				kind: 'account_update',
				field: 'business_capability_update',
				details: { max_daily_conversation_per_phone: 1000 },
			},
			{ kind: 'history', phoneNumberId: '1', phase: 0, chunkOrder: 1, progress: 10, threads: [] },
			{ kind: 'template_update', templateId: '1', templateName: 'order_confirmation' },
			{ kind: 'template_update', previousQualityScore: 'GREEN', newQualityScore: 'YELLOW' },
			{ kind: 'template_update', updateEvent: 'APPROVED', templateId: '2' },
			{ kind: 'message:text', messageId: 'wamid.msg', from: '111', text: 'hi' },
			{
				kind: 'echo:text',
				field: 'messages',
				messageId: 'wamid.echo',
				from: 'BUSINESS',
				to: '222',
				text: 'hello',
			},
			{ kind: 'status', messageId: 'wamid.msg', status: 'delivered' },
			{ kind: 'call', field: 'messages', callId: 'wacid.DEF', callEvent: 'CALL_STATUS', status: 'RINGING' },
			{ kind: 'account_update', field: 'partner_solutions', updateEvent: 'SOLUTION_CREATED' },
			{
				kind: 'account_update',
				field: 'payment_configuration_update',
				details: { configuration_name: 'razorpay' },
			},
			{
				kind: 'account_update',
				field: 'phone_number_name_update',
				updateEvent: 'APPROVED',
				phoneNumber: '123',
			},
			{ kind: 'account_update', field: 'phone_number_quality_update', updateEvent: 'UPGRADE' },
			{ kind: 'account_update', field: 'security', updateEvent: 'PIN_RESET_REQUEST' },
			{
				kind: 'app_state_sync',
				syncType: 'contact',
				action: 'add',
				contact: { fullName: 'Pablo', firstName: null, phoneNumber: '333' },
			},
			{ kind: 'echo:text', field: 'smb_message_echoes', messageId: 'wamid.echo2', to: '444', text: 'echo2' },
			{ kind: 'template_update', templateId: '3', newCategory: 'MARKETING' },
			{ kind: 'user_preference', from: '555', value: 'stop', category: null },
		],
	},
	'kapso__batch_messages_statuses_calls.json': {
		doc: ['messages/order', 'messages/media', 'messages/interactive', 'messages/status', 'calls'],
		events: [
			{
				kind: 'message:order',
				from: '15551234567',
				profileName: 'Jane Doe',
				order: { catalogId: 'CAT123', productItems: [{ productRetailerId: 'SKU-1', quantity: 1 }] },
			},
			{ kind: 'message:sticker', media: { kind: 'sticker', id: 'STICKER_ID', animated: true } },
			{
				kind: 'message:interactive',
				context: {
					id: 'wamid.original',
					referredProduct: { catalogId: 'CATREF', productRetailerId: 'SKU-REF' },
				},
				interactive: { type: 'nfm_reply', flowReply: { name: 'feedback_flow', body: null } },
			},
			{
				kind: 'status',
				status: 'sent',
				recipient: '15551234567',
				conversation: { id: 'conv-1', originType: 'business_initiated', expiresAt: '2025-01-01T01:05:00Z' },
			},
			{
				kind: 'call',
				callId: 'wacid.ABC',
				direction: 'USER_INITIATED',
				from: '15551234567',
				to: '16315558151',
				profileName: 'Jane Doe',
				startTime: '2025-01-01T00:05:50Z',
			},
		],
	},
	'n8n__multi_change_statuses.json': {
		doc: ['messages/status'],
		events: ['sent', 'delivered', 'read'].map((status) => ({
			kind: 'status',
			status,
			messageId: null,
			wabaId: 'entry-1',
			timestamp: '2009-02-13T23:31:30Z',
		})),
	},
	'pywa__account_update_account_disabled.json': {
		doc: ['account_update'],
		events: [{ ...accountUpdate('DISABLED_UPDATE'), details: { ban_info: { waba_ban_state: 'REINSTATE' } } }],
	},
	'pywa__account_update_account_restriction.json': {
		doc: ['account_update'],
		events: [{ ...accountUpdate('ACCOUNT_RESTRICTION'), timestamp: '2022-01-04T21:08:18Z' }],
	},
	'pywa__account_update_account_violation.json': {
		doc: ['account_update'],
		events: [
			{ ...accountUpdate('ACCOUNT_VIOLATION'), details: { violation_info: { violation_type: 'ADULT' } } },
		],
	},
	'pywa__account_update_partner_removed_wa_app_disconnection.json': {
		doc: ['account_update'],
		events: [{ ...accountUpdate('PARTNER_REMOVED', '2949482758682047') }],
	},
	'pywa__account_update_pricing_tiering_update.json': {
		doc: ['account_update'],
		events: [{ ...accountUpdate('VOLUME_BASED_PRICING_TIER_UPDATE') }],
	},
	'pywa__call_connect_business_initiated.json': {
		doc: ['calls'],
		events: [
			{
				kind: 'call',
				field: 'calls',
				callId: 'wacid.xxxx=',
				callEvent: 'connect',
				direction: 'BUSINESS_INITIATED',
				sdpType: 'answer',
				sdp: '<<RFC 8866 SDP>>',
				timestamp: '2025-07-15T12:35:33Z',
			},
		],
	},
	'pywa__call_connect_user_initiated.json': {
		doc: ['calls'],
		events: [
			{
				kind: 'call',
				field: 'calls',
				callId: 'wacid.xxxx=',
				callEvent: 'connect',
				direction: 'USER_INITIATED',
				from: '972987654321',
				to: '16315553601',
				userId: 'US.13491208655302741918',
				profileName: 'Test Name',
				sdpType: 'offer',
				sdp: '<<RFC 8866 SDP>>',
			},
		],
	},
	'pywa__call_permission_update_accept.json': {
		doc: ['call_permission_reply'],
		events: [
			pywaMessage('message:interactive', {
				context: { id: 'wamid.y==' },
				interactive: {
					type: 'call_permission_reply',
					callPermissionReply: {
						response: 'accept',
						expiresAt: '2025-07-22T12:23:02Z',
						isPermanent: null,
						responseSource: 'user_action',
					},
				},
			}),
		],
	},
	'pywa__call_permission_update_reject.json': {
		doc: ['call_permission_reply'],
		events: [
			pywaMessage('message:interactive', {
				interactive: {
					type: 'call_permission_reply',
					callPermissionReply: {
						response: 'reject',
						expiresAt: null,
						isPermanent: null,
						responseSource: 'user_action',
					},
				},
			}),
		],
	},
	'pywa__call_status_call_status.json': {
		doc: ['calls'],
		events: [
			{
				kind: 'call',
				callId: 'wacid.ABGGFjFVU2AfAgo6V',
				callEvent: 'status',
				status: 'RINGING',
				to: '163155536021',
				bizOpaqueCallbackData: 'random_string',
			},
		],
	},
	'pywa__call_terminate_call_terminate.json': {
		doc: ['calls'],
		events: [
			{
				kind: 'call',
				callEvent: 'terminate',
				status: 'COMPLETED',
				startTime: '2022-12-21T17:47:04Z',
				endTime: '2022-12-21T17:49:04Z',
				durationSeconds: 120,
				errors: [{ code: 12455, message: 'ERROR_TITLE', details: 'ERROR_DETAILS', href: 'ERROR_HREF' }],
			},
		],
	},
	'pywa__callback_button_button.json': {
		doc: ['messages/interactive'],
		events: [
			pywaMessage(
				'message:interactive',
				{ interactive: { type: 'button_reply', buttonReply: { id: 'callback_data', title: 'title' } } },
				'5467539754836534',
			),
		],
	},
	'pywa__callback_button_quick_reply.json': {
		doc: ['messages/button'],
		events: [
			pywaMessage(
				'message:button',
				{
					button: { payload: 'callback_data', text: 'title' },
					text: 'title',
					context: { id: 'wamid.xyzxyz==' },
				},
				'5467539754836534',
			),
		],
	},
	'pywa__callback_button_quick_reply_without_context.json': {
		doc: ['messages/button'],
		events: [
			pywaMessage(
				'message:button',
				{ button: { payload: 'callback_data', text: 'title' }, context: null },
				'5467539754836534',
			),
		],
	},
	'pywa__callback_selection_callback.json': {
		doc: ['messages/interactive'],
		events: [
			pywaMessage('message:interactive', {
				interactive: {
					type: 'list_reply',
					listReply: { id: 'callback_data', title: 'title', description: null },
				},
			}),
		],
	},
	'pywa__callback_selection_description.json': {
		doc: ['messages/interactive'],
		events: [
			pywaMessage('message:interactive', {
				interactive: { listReply: { id: 'callback_data', title: 'title', description: 'description' } },
			}),
		],
	},
	'pywa__chat_opened_chat_opened.json': {
		doc: ['messages/request_welcome'],
		events: [pywaMessage('message:request_welcome', { text: null })],
	},
	'pywa__deleted_message_revoke.json': {
		doc: ['messages/revoke'],
		events: [
			{
				kind: 'message:revoke',
				messageId: '<WHATSAPP_MESSAGE_ID>',
				from: '<WHATSAPP_USER_PHONE_NUMBER>',
				revoke: { originalMessageId: '<ORIGINAL_WHATSAPP_MESSAGE_ID>' },
				// The body's contact is another user (its wa_id differs): not taken as the sender's profile.
				profileName: null,
			},
		],
	},
	'pywa__edited_message_image.json': {
		doc: ['messages/edit'],
		events: [
			{
				kind: 'message:edit',
				from: '16505551234',
				edit: {
					originalMessageId: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=',
					message: {
						type: 'image',
						context: { id: 'M0' },
						media: {
							kind: 'image',
							id: '1234567890',
							caption: 'Updated image caption',
							url: 'https://media.example.com/updated-image.jpg',
						},
					},
				},
				// The edit's new content is under `edit`, not downloaded as the message's own media.
				media: null,
			},
		],
	},
	'pywa__flow_completion_completion.json': {
		doc: ['messages/interactive'],
		events: [
			pywaMessage('message:interactive', {
				interactive: {
					type: 'nfm_reply',
					flowReply: { name: 'flow', body: 'Sent', responseJson: expect.stringContaining('"flow_token"') },
				},
			}),
		],
	},
	'pywa__flow_completion_without_flow_token.json': {
		doc: ['messages/interactive'],
		events: [
			pywaMessage('message:interactive', {
				interactive: { flowReply: { responseJson: expect.not.stringContaining('flow_token') } },
			}),
		],
	},
	'pywa__message_animated_sticker.json': {
		doc: ['messages/media'],
		events: [pywaMessage('message:sticker', { media: { kind: 'sticker', animated: true } })],
	},
	'pywa__message_audio.json': {
		doc: ['messages/media'],
		events: [pywaMessage('message:audio', { context: forwarded, media: { kind: 'audio', voice: false } })],
	},
	'pywa__message_chosen_location.json': {
		doc: ['messages/location'],
		events: [
			pywaMessage('message:location', {
				location: {
					latitude: 37.4611978,
					longitude: -122.2164385,
					name: 'Facebook HQ',
					address: '1 Hacker Way, Menlo Park, CA 94025',
				},
			}),
		],
	},
	'pywa__message_contacts.json': {
		doc: ['messages/contacts'],
		events: [
			pywaMessage('message:contacts', {
				contacts: [
					{ name: { formattedName: 'Chandler Bing' }, phones: [{ type: 'CELL' }] },
					{ name: { formattedName: 'Monica' } },
					{ name: { lastName: 'Green' } },
				],
			}),
		],
	},
	'pywa__message_current_location.json': {
		doc: ['messages/location'],
		events: [
			pywaMessage('message:location', {
				location: { latitude: 12.25089, longitude: 43.90539, name: null, address: null, url: null },
			}),
		],
	},
	'pywa__message_document.json': {
		doc: ['messages/media'],
		events: [
			pywaMessage('message:document', {
				media: {
					kind: 'document',
					filename: 'filename.pdf',
					caption: 'caption',
					mimeType: 'application/pdf',
				},
			}),
		],
	},
	'pywa__message_forwarded.json': {
		doc: ['messages/text'],
		events: [pywaMessage('message:text', { text: 'forwarded text', context: forwarded })],
	},
	'pywa__message_forwarded_many_times.json': {
		doc: ['messages/text'],
		events: [
			pywaMessage('message:text', {
				text: 'text forwarded many times',
				context: { forwarded: false, frequentlyForwarded: true },
			}),
		],
	},
	'pywa__message_image.json': {
		doc: ['messages/media'],
		events: [pywaMessage('message:image', { media: { kind: 'image', id: '65463453', url: null } })],
	},
	'pywa__message_interactive_message_with_err.json': {
		doc: ['messages/interactive', 'messages'],
		events: [
			pywaMessage('message:interactive', { interactive: null }),
			{ kind: 'error', code: 131000, title: 'Something went wrong', details: 'Unsupported webhook payload' },
		],
	},
	'pywa__message_media_with_url.json': {
		doc: ['messages/media'],
		events: [
			pywaMessage('message:image', {
				media: { url: expect.stringMatching(/^https:\/\/lookaside\.fbsbx\.com\//) },
			}),
		],
	},
	'pywa__message_order.json': {
		doc: ['messages/order'],
		events: [
			pywaMessage('message:order', {
				order: {
					catalogId: '354160437058781',
					text: null,
					productItems: [
						{ productRetailerId: 'HAMBURGER', quantity: 3, itemPrice: 30, currency: 'ILS' },
						{ productRetailerId: 'FRENCH_FRIES', quantity: 2, itemPrice: 35, currency: 'ILS' },
						{ productRetailerId: 'SODA', quantity: 2, itemPrice: 10, currency: 'ILS' },
					],
				},
			}),
		],
	},
	'pywa__message_reaction.json': {
		doc: ['messages/reaction'],
		events: [
			pywaMessage('message:reaction', {
				reaction: { messageId: 'wamid.yzxyzx=', emoji: '😮', removed: false },
			}),
		],
	},
	'pywa__message_referral.json': {
		doc: ['messages/text'],
		events: [
			pywaMessage('message:text', {
				text: 'BODY',
				referral: { sourceId: 'ADID', sourceType: 'ad or post', ctwaClid: 'CTWA_CLID', welcomeText: null },
			}),
		],
	},
	'pywa__message_reply.json': {
		doc: ['messages/text'],
		events: [pywaMessage('message:text', { text: 'replied text', context: { id: 'wamid.xyzxyz==' } })],
	},
	'pywa__message_static_sticker.json': {
		doc: ['messages/media'],
		events: [pywaMessage('message:sticker', { media: { kind: 'sticker', animated: false } })],
	},
	'pywa__message_status_delivered.json': {
		doc: ['messages/status'],
		events: [
			pywaStatus('delivered', {
				...cbpService,
				conversation: { id: '7270432eae37498234f4444b35ffc5', originType: 'service', expiresAt: null },
			}),
		],
	},
	'pywa__message_status_failed.json': {
		doc: ['messages/status'],
		events: [
			pywaStatus('failed', {
				errors: [
					{ code: 130472, title: "User's number is part of an experiment", meaning: expect.any(String) },
				],
				pricing: null,
			}),
		],
	},
	'pywa__message_status_group.json': {
		doc: ['messages/status', 'messages/group'],
		events: [
			{
				kind: 'status',
				status: 'read',
				recipientType: 'group',
				groupId: 'fowefinoewcnw',
				recipient: 'fowefinoewcnw',
				participant: '<GROUP_PARTICIPANT_USER_PHONE_NUMBER>',
				participantUserId: 'US.123456',
				participantParentUserId: '<PARENT_BSUID>',
				username: '<USERNAME>',
				profileName: '<USER_DISPLAY_NAME>',
			},
		],
	},
	'pywa__message_status_played.json': {
		doc: ['messages/status'],
		events: [pywaStatus('played', cbpService)],
	},
	'pywa__message_status_read.json': {
		doc: ['messages/status'],
		events: [pywaStatus('read', cbpService)],
	},
	'pywa__message_status_sent.json': {
		doc: ['messages/status'],
		events: [pywaStatus('sent', { conversation: { expiresAt: '2023-10-26T17:05:00Z' } })],
	},
	'pywa__message_status_with_tracker.json': {
		doc: ['messages/status'],
		events: [pywaStatus('sent', { bizOpaqueCallbackData: 'some data', idempotencyKey: null })],
	},
	'pywa__message_text.json': {
		doc: ['messages/text'],
		events: [pywaMessage('message:text', { text: 'Body Text', timestamp: '2023-10-11T16:53:43Z' })],
	},
	'pywa__message_unreaction_empty.json': {
		doc: ['messages/reaction'],
		events: [
			pywaMessage('message:reaction', {
				reaction: { messageId: 'wamid.yzxyzx=', emoji: null, removed: true },
			}),
		],
	},
	'pywa__message_unreaction_no_emoji.json': {
		doc: ['messages/reaction'],
		events: [pywaMessage('message:reaction', { reaction: { emoji: null, removed: true } })],
	},
	'pywa__message_unsupported.json': {
		doc: ['messages/unsupported'],
		events: [
			pywaMessage('message:unsupported', {
				originalType: null,
				unsupportedType: null,
				errors: [{ code: 131051, details: 'Message type is currently not supported.' }],
			}),
		],
	},
	'pywa__message_unsupported_with_type.json': {
		doc: ['messages/unsupported'],
		events: [pywaMessage('message:unsupported', { unsupportedType: 'pool', errors: [{ code: 131051 }] })],
	},
	'pywa__message_video.json': {
		doc: ['messages/media'],
		events: [
			pywaMessage('message:video', { media: { kind: 'video', caption: 'caption', mimeType: 'video/mp4' } }),
		],
	},
	'pywa__message_voice.json': {
		doc: ['messages/media'],
		events: [pywaMessage('message:audio', { media: { kind: 'audio', voice: true } })],
	},
	'pywa__outgoing_message_delete.json': {
		doc: ['smb_message_echoes'],
		events: [
			{
				kind: 'echo:revoke',
				field: 'smb_message_echoes',
				messageId: 'wamid.yyyyyy',
				to: '972123456789',
				revoke: { originalMessageId: 'wamid.zzzzzz' },
			},
		],
	},
	'pywa__outgoing_message_edit.json': {
		doc: ['smb_message_echoes'],
		events: [
			{
				kind: 'echo:edit',
				edit: { originalMessageId: 'wamid.zzzzzz', message: { type: 'text', text: 'Text was edited' } },
			},
		],
	},
	'pywa__outgoing_message_text.json': {
		doc: ['smb_message_echoes'],
		events: [
			{
				kind: 'echo:text',
				from: '<BUSINESS_DISPLAY_PHONE_NUMBER>',
				to: '<WHATSAPP_USER_PHONE_NUMBER>',
				userId: '<BSUID>',
				parentUserId: '<PARENT_BSUID>',
				text: 'Test message',
			},
		],
	},
	'pywa__system_identity_change.json': {
		doc: ['messages/system'],
		events: [
			{
				kind: 'message:system',
				from: '972987654321',
				profileName: 'User A',
				system: { type: 'customer_identity_changed', body: 'User identity changed' },
				identity: { acknowledged: true, createdAt: '2023-10-11T17:18:26Z', hash: 'xyzxyz' },
			},
		],
	},
	'pywa__system_phone_number_change.json': {
		doc: ['messages/system'],
		events: [
			{
				kind: 'message:system',
				from: '972987654321',
				system: { type: 'user_changed_number', waId: '972912345678' },
				profileName: null,
			},
		],
	},
	'pywa__template_category_update_marketing.json': {
		doc: ['template_category_update'],
		events: [{ kind: 'template_update', templateId: '12345678', language: 'he', newCategory: 'MARKETING' }],
	},
	'pywa__template_components_update_element.json': {
		doc: ['message_template_components_update'],
		// pywa keeps a second, complete example beside the envelope under "all"; Meta sends only object + entry.
		notWebhook: ['all'],
		events: [
			{
				kind: 'template_update',
				templateName: 'my_message_template',
				details: { message_template_element: 'Hi {{1}}! Welcome to our service.' },
			},
		],
	},
	'pywa__template_quality_update_yellow.json': {
		doc: ['message_template_quality_update'],
		events: [
			{
				kind: 'template_update',
				templateId: '806312974732579',
				previousQualityScore: 'GREEN',
				newQualityScore: 'YELLOW',
			},
		],
	},
	'pywa__template_status_update_approved.json': {
		doc: ['message_template_status_update'],
		events: [{ kind: 'template_update', updateEvent: 'APPROVED', category: 'UTILITY', reason: 'NONE' }],
	},
	'pywa__template_status_update_rejected.json': {
		doc: ['message_template_status_update'],
		events: [
			{
				kind: 'template_update',
				updateEvent: 'REJECTED',
				reason: 'INVALID_FORMAT',
				details: { rejection_info: { recommendation: expect.any(String) } },
			},
		],
	},
	'pywa__user_marketing_preferences_resume.json': {
		doc: ['user_preferences'],
		events: [
			{
				kind: 'user_preference',
				from: '16505551234',
				category: 'marketing_messages',
				value: 'resume',
				signupId: null,
				timestamp: '2024-11-15T21:22:01Z',
			},
		],
	},
	'pywa__user_marketing_preferences_signup.json': {
		doc: ['user_preferences'],
		events: [{ kind: 'user_preference', value: 'signup', signupId: '13176843987434774' }],
	},
};
