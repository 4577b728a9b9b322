/**
 * Webhook kinds and rules the peer bodies (peer-fixtures.test.ts) do not exercise, from the examples in Meta's
 * references (docs/webhook-events.md): group messages and the four Groups API fields, history declined, a referral
 * greeting, unknown interactive replies and message types, new fields kept in `unknown`, a `calls` change with only
 * errors, and dedup keys of the new kinds.
 */
import { dedupKey } from '../../../core/webhook/dedup';
import type {
	CallEvent,
	ClinicEvent,
	GroupUpdateEvent,
	HistoryEvent,
	MessageEvent,
	StatusEvent,
} from '../../../core/webhook/events';
import { extractEvents } from '../../../core/webhook/parse';

const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

function delivery(field: string, value: Record<string, unknown>, time?: number): ClinicEvent[] {
	return extractEvents({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: '102290129340398',
				...(time ? { time } : {}),
				changes: [{ field, value: { messaging_product: 'whatsapp', metadata: METADATA, ...value } }],
			},
		],
	});
}

describe('group messages (Groups API, messages webhook)', () => {
	it('a message written in a group carries groupId; from and the profile are the participant', () => {
		const [m] = delivery('messages', {
			contacts: [{ profile: { name: 'Tiago Mingo' }, wa_id: '16505551234' }],
			messages: [
				{
					from: '16505551234',
					group_id: 'HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA',
					id: 'wamid.GROUP-1',
					timestamp: '1744344496',
					text: { body: 'What does everyone think about this?' },
					type: 'text',
				},
			],
		}) as MessageEvent[];
		expect(m).toMatchObject({
			event: 'message',
			type: 'text',
			groupId: 'HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA',
			from: '16505551234',
			profileName: 'Tiago Mingo',
			text: 'What does everyone think about this?',
		});
	});

	it('a one-to-one message has groupId null', () => {
		const [m] = delivery('messages', {
			messages: [{ from: '1', id: 'wamid.1', timestamp: '1744344496', type: 'text', text: { body: 'x' } }],
		}) as MessageEvent[];
		expect(m.groupId).toBeNull();
	});

	it('a failed status of a group message names the group', () => {
		const [s] = delivery('messages', {
			statuses: [
				{
					id: 'wamid.G',
					recipient_id: 'GROUP_ID_1',
					recipient_type: 'group',
					status: 'failed',
					timestamp: '1744344496',
					errors: [{ code: 131000, title: 'Something went wrong', message: 'Something went wrong' }],
				},
			],
		}) as StatusEvent[];
		expect(s).toMatchObject({ recipientType: 'group', groupId: 'GROUP_ID_1', participant: null });
		expect(s.errors[0].code).toBe(131000);
	});
});

describe('Groups API webhooks (group_lifecycle_update, group_participants_update, …)', () => {
	it('group created: one group_update with the invite link and the request ID', () => {
		const events = delivery('group_lifecycle_update', {
			groups: [
				{
					timestamp: '1744344496',
					group_id: 'GROUP_ID_1',
					type: 'group_create',
					request_id: 'REQUEST_ID',
					subject: 'Care team: Maria',
					invite_link: 'https://chat.whatsapp.com/LINK_ID',
					join_approval_mode: 'approval_required',
				},
			],
		}) as GroupUpdateEvent[];
		expect(events).toEqual([
			expect.objectContaining({
				event: 'group_update',
				field: 'group_lifecycle_update',
				updateType: 'group_create',
				groupId: 'GROUP_ID_1',
				requestId: 'REQUEST_ID',
				subject: 'Care team: Maria',
				inviteLink: 'https://chat.whatsapp.com/LINK_ID',
				joinApprovalMode: 'approval_required',
				errors: [],
				timestamp: '2025-04-11T04:08:16Z',
				phoneNumberId: '106540352242922',
			}),
		]);
	});

	it('group create failed: the errors are typed, the subject and description kept', () => {
		const [g] = delivery('group_lifecycle_update', {
			groups: [
				{
					timestamp: '1744344496',
					type: 'group_create',
					subject: 'S',
					description: 'D',
					request_id: 'R',
					errors: [{ code: 131000, message: 'M', title: 'T', error_data: { details: 'X' } }],
				},
			],
		}) as GroupUpdateEvent[];
		expect(g).toMatchObject({ groupId: null, description: 'D', errors: [{ code: 131000, details: 'X' }] });
	});

	it.each(['group_participants_update', 'group_settings_update', 'group_status_update'])(
		'%s: one item per entry of groups[], the entry kept whole in details',
		(field) => {
			const groups = [
				{ timestamp: '1744344496', group_id: 'G1', type: `${field}_a`, added_participants: [{ wa_id: '1' }] },
				{ timestamp: '1744344497', group_id: 'G2', type: `${field}_b`, reason: 'invite_link' },
			];
			const events = delivery(field, { groups }) as GroupUpdateEvent[];
			expect(events.map((e) => [e.event, e.field, e.groupId, e.reason])).toEqual([
				['group_update', field, 'G1', null],
				['group_update', field, 'G2', 'invite_link'],
			]);
			expect(events[0].details).toEqual(groups[0]);
		},
	);

	it('a group field without a groups array is one item with the whole value', () => {
		const [g] = delivery('group_status_update', {
			group_id: 'G9',
			type: 'group_suspend',
		}) as GroupUpdateEvent[];
		expect(g).toMatchObject({ groupId: 'G9', updateType: 'group_suspend' });
	});
});

describe('calls and coexistence', () => {
	it('a calls change with errors but no call is one error item per error', () => {
		const events = delivery('calls', { errors: [{ code: 138006, title: 'No permission' }] }, 1750000000);
		expect(events).toEqual([expect.objectContaining({ event: 'error', code: 138006, field: 'calls' })]);
	});

	it('a user-initiated call takes the caller’s WhatsApp User ID from contacts', () => {
		const [c] = delivery('calls', {
			contacts: [{ profile: { name: 'Ana' }, wa_id: '5511999990000', user_id: 'BR.1' }],
			calls: [
				{
					id: 'wacid.1',
					from: '5511999990000',
					to: '15550783881',
					event: 'connect',
					timestamp: '1750000000',
					direction: 'USER_INITIATED',
					session: { sdp_type: 'offer', sdp: 'v=0' },
				},
			],
		}) as CallEvent[];
		expect(c).toMatchObject({ userId: 'BR.1', profileName: 'Ana', sdpType: 'offer', sdp: 'v=0', errors: [] });
	});

	it('history declined: one item with the errors, no threads', () => {
		const [h] = delivery('history', {
			history: [{ errors: [{ code: 2593109, title: 'History sharing is turned off' }] }],
		}) as HistoryEvent[];
		expect(h).toMatchObject({ event: 'history', phase: null, threads: [], errors: [{ code: 2593109 }] });
	});

	it('history threads keep their messages (camelCased)', () => {
		const [h] = delivery('history', {
			history: [
				{
					metadata: { phase: 1, chunk_order: 2, progress: 55 },
					threads: [
						{
							id: '16505551234',
							messages: [
								{
									from: '15550783881',
									id: 'wamid.H',
									timestamp: '1739230955',
									type: 'text',
									text: { body: 'Hi' },
									history_context: { status: 'READ' },
								},
							],
						},
					],
				},
			],
		}) as HistoryEvent[];
		expect(h).toMatchObject({ phase: 1, chunkOrder: 2, progress: 55 });
		expect(h.threads[0]).toMatchObject({
			id: '16505551234',
			messages: [{ historyContext: { status: 'READ' } }],
		});
	});
});

describe('nothing lost, nothing empty', () => {
	it('a click-to-WhatsApp referral keeps its greeting (welcome_message.text)', () => {
		const [m] = delivery('messages', {
			messages: [
				{
					from: '1',
					id: 'wamid.R',
					timestamp: '1750000000',
					type: 'text',
					text: { body: 'Hi' },
					referral: {
						source_url: 'https://fb.me/x',
						source_type: 'ad',
						welcome_message: { text: 'Hi there! Let us know how we can help!' },
						new_ad_field: 'kept',
					},
				},
			],
		}) as MessageEvent[];
		expect(m.referral).toMatchObject({
			welcomeText: 'Hi there! Let us know how we can help!',
			unknown: { newAdField: 'kept' },
		});
	});

	it('fields and interactive replies this package does not type are kept in unknown (camelCased)', () => {
		const [m] = delivery('messages', {
			messages: [
				{
					from: '1',
					from_logical_id: 'LOGICAL-1',
					id: 'wamid.P',
					timestamp: '1750000000',
					type: 'interactive',
					interactive: {
						type: 'payment_method',
						payment_method: { payment_method_id: 'pm_1', credential_id: 'c' },
					},
				},
			],
		}) as MessageEvent[];
		expect(m.unknown).toEqual({ fromLogicalId: 'LOGICAL-1' });
		expect(m.interactive).toMatchObject({
			type: 'payment_method',
			unknown: { paymentMethod: { paymentMethodId: 'pm_1', credentialId: 'c' } },
		});
	});

	it('an unknown message type keeps its whole body', () => {
		const [m] = delivery('messages', {
			messages: [
				{ from: '1', id: 'wamid.U', timestamp: '1750000000', type: 'poll', poll: { question: 'Q?' } },
			],
		}) as MessageEvent[];
		expect(m).toMatchObject({
			type: 'unsupported',
			originalType: 'poll',
			unknown: { poll: { question: 'Q?' } },
		});
	});

	it('an empty wa_id (username-only user) is null, never ""', () => {
		const [m] = delivery('messages', {
			contacts: [{ profile: { name: 'U', username: '@u' }, wa_id: '', user_id: 'US.9' }],
			messages: [
				{
					from: '',
					from_user_id: 'US.9',
					id: 'wamid.E',
					timestamp: '1750000000',
					type: 'text',
					text: { body: '' },
				},
			],
		}) as MessageEvent[];
		expect(m).toMatchObject({ from: null, userId: 'US.9', username: '@u', text: null });
	});

	it('statuses keep the identity key hash and unknown fields', () => {
		const [s] = delivery('messages', {
			statuses: [
				{
					id: 'wamid.S',
					status: 'delivered',
					timestamp: '1750000000',
					recipient_id: '1',
					recipient_identity_key_hash: 'DF2lS5v2W6x=',
					recipient_country_code: 'BR',
				},
			],
		}) as StatusEvent[];
		expect(s).toMatchObject({ identityKeyHash: 'DF2lS5v2W6x=', unknown: { recipientCountryCode: 'BR' } });
	});
});

describe('dedup keys of the new kinds', () => {
	it('echoes by wamid, calls by call ID + event + status, group updates by time and content', () => {
		const [echo] = delivery('smb_message_echoes', {
			message_echoes: [
				{ from: '15550783881', to: '1', id: 'wamid.E1', timestamp: '1750000000', type: 'text' },
			],
		});
		expect(dedupKey(echo)).toBe('echo:wamid.E1');
		const [call] = delivery('calls', {
			calls: [{ id: 'wacid.C1', event: 'terminate', status: 'COMPLETED', timestamp: '1750000000' }],
		});
		expect(dedupKey(call)).toBe('call:wacid.C1:terminate:COMPLETED');
		const [group] = delivery('group_lifecycle_update', {
			groups: [{ timestamp: '1750000000', group_id: 'G', type: 'group_delete' }],
		});
		expect(dedupKey(group)).toMatch(
			/^group_update:group_lifecycle_update:102290129340398:2025-06-15T15:06:40Z:/,
		);
		expect(dedupKey(group)).toBe(
			dedupKey(
				delivery('group_lifecycle_update', {
					groups: [{ timestamp: '1750000000', group_id: 'G', type: 'group_delete' }],
				})[0],
			),
		);
	});
});
