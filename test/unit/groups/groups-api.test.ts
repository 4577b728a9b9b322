/**
 * core/whatsapp/groups.ts over a fake GraphRequester: Meta's paths, bodies and answers (create answers a request ID;
 * list active nests groups under data.groups; info maps participants), finding the group a Create made, and the
 * wait for Meta's asynchronous creation with a fake clock.
 */
import type { Clock } from '../../../core/whatsapp/clock';
import type { GraphRequester, RequestOptions } from '../../../core/whatsapp/graph-types';
import {
	answerJoinRequests,
	createGroup,
	getGroup,
	groupTime,
	listActiveGroups,
	pickCreatedGroup,
	removeParticipants,
	waitForCreatedGroup,
} from '../../../core/whatsapp/groups';

const GROUP = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD';

function fake(answer: (method: string, path: string, options?: RequestOptions) => unknown) {
	const calls: Array<{ method: string; path: string; options?: RequestOptions }> = [];
	const requester: GraphRequester = {
		request: async <T>(method: string, path: string, options?: RequestOptions) => {
			calls.push({ method, path, options });
			return answer(method, path, options) as T;
		},
	};
	return { requester, calls };
}

describe('Groups API calls', () => {
	it('create posts subject, description and join approval; answers the request ID', async () => {
		const { requester, calls } = fake(() => ({ messaging_product: 'whatsapp', request_id: 'REQ_1' }));
		const out = await createGroup(requester, '1001', {
			subject: 'Care team',
			description: 'Follow-up',
			joinApprovalMode: 'approval_required',
		});
		expect(out).toEqual({ requestId: 'REQ_1' });
		expect(calls[0]).toEqual({
			method: 'POST',
			path: '1001/groups',
			options: {
				body: {
					messaging_product: 'whatsapp',
					subject: 'Care team',
					description: 'Follow-up',
					join_approval_mode: 'approval_required',
				},
			},
		});
	});

	it('list active reads data.groups (and plain data), created_at as ISO, the next cursor only with a next link', async () => {
		const { requester } = fake(() => ({
			data: { groups: [{ id: GROUP, subject: 'A', created_at: '1760000000' }] },
			paging: { cursors: { after: 'CUR' }, next: 'https://graph.facebook.com/next' },
		}));
		expect(await listActiveGroups(requester, '1001')).toEqual({
			groups: [{ groupId: GROUP, subject: 'A', createdAt: new Date(1760000000 * 1000).toISOString() }],
			after: 'CUR',
		});
		const plain = fake(() => ({ data: [{ id: GROUP, subject: 'B', created_at: 1760000001 }] }));
		expect((await listActiveGroups(plain.requester, '1001')).groups[0].subject).toBe('B');
	});

	it('info maps participants to their WhatsApp IDs and the count', async () => {
		const { requester, calls } = fake(() => ({
			id: GROUP,
			subject: 'A',
			join_approval_mode: 'auto_approve',
			suspended: false,
			creation_timestamp: 1760000000,
			participants: [{ wa_id: '5511911110001' }, { wa_id: '5511911110002' }],
			total_participant_count: 2,
		}));
		const info = await getGroup(requester, GROUP);
		expect(info).toEqual(
			expect.objectContaining({
				participants: ['5511911110001', '5511911110002'],
				participantCount: 2,
				description: null,
			}),
		);
		expect(calls[0].options?.qs?.fields).toContain('participants');
	});

	it('join requests and participant removal report what Meta did and what failed', async () => {
		const { requester, calls } = fake((method) =>
			method === 'POST'
				? {
						approved_join_requests: ['J1'],
						failed_join_requests: [{ join_request_id: 'J2', errors: [{ code: 131203, message: 'nope' }] }],
					}
				: { removed_participants: ['5511911110001'] },
		);
		expect(await answerJoinRequests(requester, GROUP, ['J1', 'J2'], true)).toEqual({
			done: ['J1'],
			failed: [{ id: 'J2', code: 131203, message: 'nope' }],
		});
		expect(await removeParticipants(requester, GROUP, ['5511911110001'])).toEqual({
			done: ['5511911110001'],
			failed: [],
		});
		expect(calls[1]).toEqual(
			expect.objectContaining({
				method: 'DELETE',
				path: `${GROUP}/participants`,
				options: { body: { messaging_product: 'whatsapp', participants: [{ user: '5511911110001' }] } },
			}),
		);
	});

	it('the created group: newest with the exact subject, created since the request (a minute of clock skew allowed)', () => {
		const t = (s: number) => new Date(s * 1000).toISOString();
		const groups = [
			{ groupId: 'old', subject: 'Care', createdAt: t(1000) },
			{ groupId: 'new', subject: 'Care', createdAt: t(5000) },
			{ groupId: 'other', subject: 'Other', createdAt: t(6000) },
		];
		expect(pickCreatedGroup(groups, 'Care', 4990_000)?.groupId).toBe('new');
		expect(pickCreatedGroup(groups, 'Care', 9000_000)).toBeUndefined();
		expect(groupTime('nonsense')).toBeNull();
	});

	it('waits for the asynchronous group, polling List Active until it appears or the time is up', async () => {
		let now = 0;
		const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
		let polls = 0;
		const { requester } = fake(() => {
			polls++;
			return {
				data: {
					groups:
						polls < 3 ? [] : [{ id: GROUP, subject: 'Care', created_at: Math.floor(Date.now() / 1000) }],
				},
			};
		});
		const found = await waitForCreatedGroup(requester, '1001', 'Care', Date.now(), {
			timeoutMs: 10_000,
			intervalMs: 1000,
			clock,
		});
		expect(found?.groupId).toBe(GROUP);
		expect(polls).toBe(3);
		const never = fake(() => ({ data: { groups: [] } }));
		now = 0;
		expect(
			await waitForCreatedGroup(never.requester, '1001', 'Care', Date.now(), {
				timeoutMs: 3000,
				intervalMs: 1000,
				clock,
			}),
		).toBeUndefined();
	});
});
