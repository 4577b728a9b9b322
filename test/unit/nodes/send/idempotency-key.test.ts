/**
 * Send Template's "Idempotency Key" (nodes/shared/send-claims.ts, core/whatsapp/send-claims.ts): a key sent once
 * is never sent again by a later run; a key left pending by a run that stopped mid-send is skipped (outcome unknown),
 * not resent; a key Meta certainly refused can be sent again; the same key twice in one run is sent once; an empty
 * key or a missing Clinic Store credential is an error naming the field, with nothing sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { closeAllClinicStores, openClinicStore } from '../../../../core/store/open-store';
import { resetSharedLimiters } from '../../../../core/whatsapp/rate-limiter';
import { sendClaimsFor } from '../../../../core/whatsapp/send-claims';
import { storeConfigFromCredential } from '../../../../nodes/shared/store';
import { WhatsAppSendTemplate } from '../../../../nodes/WhatsAppSendTemplate/WhatsAppSendTemplate.node';
import { FakeGraph, metaError, rl, sendContext } from './fake-context';

const node = new WhatsAppSendTemplate();
let dir: string;
let n = 0;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'wac-idempotency-'));
});
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => resetSharedLimiters());

function storeCredential(): Record<string, unknown> {
	return {
		backend: 'sqlite',
		sqlitePath: join(dir, `clinic-${++n}.sqlite`),
		phiKey: 'a-long-test-passphrase-for-the-phi-key',
		phiKeyId: 'k1',
	};
}

const reminder = { header_1: 'Clínica Sol', body_1: 'Ana', body_2: '12/03', body_3: '09:30' };

async function run(
	cred: Record<string, unknown> | null,
	rows: Array<{ to: string; key: unknown }>,
	{ execution = 'exec-1', graph = new FakeGraph(), continueOnFail = true } = {},
) {
	const { ctx } = sendContext(
		{
			graph,
			continueOnFail,
			items: rows.map(() => ({ json: {} })),
			params: {
				recipient: (i: number) => rows[i].to,
				template: rl('appointment_reminder|pt_BR'),
				parameterSource: 'mapper',
				templateParameters: { mappingMode: 'defineBelow', value: reminder, matchingColumns: [], schema: [] },
				options: (i: number) => ({ idempotencyKey: rows[i].key }),
			},
		},
		cred,
		execution,
	);
	const [out] = await node.execute.call(ctx);
	return { out: out.map((o) => o.json), sent: graph.messages.map((m) => m.to), graph };
}

describe('Send Template: Idempotency Key', () => {
	it('a later run skips every key an earlier run sent, and sends the new ones', async () => {
		const cred = storeCredential();
		const first = await run(cred, [
			{ to: '+5511911110001', key: 'APPT-1' },
			{ to: '+5511911110002', key: 'APPT-2' },
		]);
		expect(first.sent).toEqual(['+5511911110001', '+5511911110002']);
		expect(first.out.map((o) => o.status)).toEqual(['sent', 'sent']);

		const again = await run(
			cred,
			[
				{ to: '+5511911110001', key: 'APPT-1' },
				{ to: '+5511911110002', key: 'APPT-2' },
				{ to: '+5511911110003', key: 'APPT-3' },
			],
			{ execution: 'exec-2' },
		);
		expect(again.sent).toEqual(['+5511911110003']);
		expect(again.out.map((o) => o.status)).toEqual(['skipped', 'skipped', 'sent']);
		expect(again.out[0]).toMatchObject({
			messageId: null,
			recipient: '+5511911110001',
			skipped: { reason: 'already-sent', byExecution: 'execution:exec-1' },
		});
		expect(String((again.out[0].skipped as { hint: string }).hint)).toMatch(/already sent/);
	});

	it('the key is per template: the same appointment can get another template', async () => {
		const cred = storeCredential();
		await run(cred, [{ to: '+5511911110001', key: 'APPT-1' }]);
		const { ctx } = sendContext(
			{
				graph: new FakeGraph(),
				continueOnFail: true,
				items: [{ json: {} }],
				params: {
					recipient: '+5511911110001',
					template: rl('post_visit_follow_up|en_US'),
					parameterSource: 'json',
					parametersJson: { body_1: 'Ana', body_2: 'Dr. Lima' },
					options: { idempotencyKey: 'APPT-1' },
				},
			},
			cred,
			'exec-3',
		);
		const [out] = await node.execute.call(ctx);
		expect(out[0].json.status).toBe('sent');
	});

	it('a key left pending by a run that stopped mid-send is skipped as outcome unknown, never resent', async () => {
		const cred = storeCredential();
		// A worker claimed APPT-9 and was killed before the answer: the claim stays pending.
		const store = await openClinicStore(storeConfigFromCredential(cred as never, { host: hostname() }));
		const claim = await sendClaimsFor(store).claim({
			key: '100000000000001|appointment_reminder|APPT-9',
			owner: 'execution:crashed',
		});
		expect(claim.state).toBe('claimed');
		const restarted = await run(
			cred,
			[
				{ to: '+5511911110009', key: 'APPT-9' },
				{ to: '+5511911110010', key: 'APPT-10' },
			],
			{ execution: 'exec-4' },
		);
		expect(restarted.sent).toEqual(['+5511911110010']);
		expect(restarted.out[0]).toMatchObject({
			status: 'skipped',
			skipped: { reason: 'outcome-unknown', byExecution: 'execution:crashed' },
		});
	});

	it('a message Meta certainly refused can be sent by a later run', async () => {
		const cred = storeCredential();
		const refusing = new FakeGraph();
		refusing.responder = (req) =>
			req.method === 'POST' && req.path.endsWith('/messages')
				? metaError(131026, 'Message undeliverable')
				: undefined;
		const first = await run(cred, [{ to: '+5511911110001', key: 'APPT-1' }], { graph: refusing });
		expect(first.out[0].status).toBe('failed');
		const retry = await run(cred, [{ to: '+5511911110001', key: 'APPT-1' }], { execution: 'exec-5' });
		expect(retry.sent).toEqual(['+5511911110001']);
		expect(retry.out[0].status).toBe('sent');
	});

	it('the same key twice in one run is sent once', async () => {
		const cred = storeCredential();
		const { sent, out } = await run(cred, [
			{ to: '+5511911110001', key: 'APPT-1' },
			{ to: '+5511911110001', key: 'APPT-1' },
		]);
		expect(sent).toEqual(['+5511911110001']);
		expect(out.map((o) => o.status).sort()).toEqual(['sent', 'skipped']);
	});

	it('an empty key is a validation error naming the field; nothing is sent without Continue On Fail', async () => {
		const cred = storeCredential();
		const graph = new FakeGraph();
		await expect(
			run(
				cred,
				[
					{ to: '+5511911110001', key: 'APPT-1' },
					{ to: '+5511911110002', key: '  ' },
				],
				{ graph, continueOnFail: false },
			),
		).rejects.toThrow(/Idempotency Key/);
		expect(graph.messages).toHaveLength(0);
	});

	it('without a Clinic Store credential: an error naming the credential, nothing sent', async () => {
		const graph = new FakeGraph();
		await expect(
			run(null, [{ to: '+5511911110001', key: 'APPT-1' }], { graph, continueOnFail: false }),
		).rejects.toThrow(/Idempotency Key needs a Clinic Store credential/);
		expect(graph.messages).toHaveLength(0);
	});
});
