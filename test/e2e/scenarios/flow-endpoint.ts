/**
 * WhatsApp Flows data endpoint in real n8n (workflow 09): Meta's client side is played here with Meta's encryption
 * (core/flows/crypto.ts encryptFlowRequest, signed with the app secret). A patient books through every screen in
 * Portuguese with the time list coming live from Appointment Slot Lookup; a second patient confirming the same slot
 * gets the time screen again with alternatives; bad signature → 432; ping answered without an execution; a request
 * encrypted to an old key → 421; an expired token → 427.
 */
import { decryptFlowResponse, encryptFlowRequest, generateFlowKeyPair } from '../../../core/flows/crypto';
import { flowTokenKey, issueFlowToken } from '../../../core/flows/flow-token';
import { signBody } from '../../../core/webhook/signature';
import { stackFlowKey } from '../../stack/credentials';
import { SIM } from '../../stack/sim';
import { assert, assertEqual, type Scenario } from '../scenario';
import { settleCount, workflowId } from './util';

const PASSPHRASE = 'e2e old flow key passphrase';
export const FLOW_BOOKING = '09 · Flow booking (WhatsApp Flow data endpoint)';

export const flowEndpointScenario: Scenario = {
	name: 'flow-endpoint-booking',
	description:
		'Flow data endpoint (workflow 09): pt-BR booking with live slots, second patient sees alternatives, 432 / ping without execution / 421 / 427',
	requires: {
		nodes: ['whatsAppFlowTrigger', 'whatsAppFlow', 'appointmentSlotLookup'],
		credentials: ['whatsAppFlowKeyApi'],
	},
	async run(ctx) {
		// Workflow 09 as the stack published it, with the stack's Flow key (test/stack/credentials.ts).
		const key = stackFlowKey();
		const oldKey = generateFlowKeyPair(PASSPHRASE);
		const id = workflowId(ctx, FLOW_BOOKING);
		const url = ctx.n8n.webhookUrl(FLOW_BOOKING, 'Flow endpoint', 'flow');
		const tokenKey = flowTokenKey(SIM.appSecret);

		const call = async (
			payload: Record<string, unknown>,
			opts: { publicKey?: string; secret?: string } = {},
		) => {
			const { body, session } = encryptFlowRequest(payload, opts.publicKey ?? key.publicKeyPem);
			const raw = JSON.stringify(body);
			const t0 = performance.now();
			const res = await fetch(url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': signBody(raw, opts.secret ?? SIM.appSecret),
				},
				body: raw,
			});
			const text = await res.text();
			const ms = performance.now() - t0;
			let json: any = undefined;
			if (text) {
				try {
					json = decryptFlowResponse(text, session);
				} catch {
					throw new Error(
						`${String(payload.action)} ${String((payload.data as any)?.step ?? '')} → ${res.status}, not an encrypted answer: ${text.slice(0, 200)}`,
					);
				}
			}
			return { status: res.status, json, ms };
		};

		// Workflow 09 ships lean (its successful executions are not saved: Meta wants answers within 1 s). To see
		// whether a ping starts an execution at all, this run saves them (the same workflow, republished).
		const shipped = await ctx.n8n.api('GET', `/workflows/${id}`);
		assertEqual(shipped.settings?.saveDataSuccessExecution, 'none', 'workflow 09 does not save successes');
		await ctx.n8n.api('PUT', `/workflows/${id}`, {
			name: shipped.name,
			nodes: shipped.nodes,
			connections: shipped.connections,
			settings: { ...shipped.settings, saveDataSuccessExecution: 'all' },
		});
		await ctx.n8n.activate(id);
		const counted = (await ctx.n8n.executions({ workflowId: id })).length;
		await call({
			version: '3.0',
			action: 'INIT',
			flow_token: issueFlowToken(tokenKey, { reference: 'count', language: 'pt_BR' }),
		});
		assertEqual(await settleCount(ctx, id, 1500), counted + 1, 'a data request is a (saved) execution');

		// Health check: answered by the trigger, no execution.
		const before = (await ctx.n8n.executions({ workflowId: id })).length;
		const ping = await call({ version: '3.0', action: 'ping' });
		assertEqual(ping.json, { data: { status: 'active' } }, 'ping answer');
		assertEqual(await settleCount(ctx, id, 1500), before, 'executions after a ping');
		const bad = await call({ version: '3.0', action: 'ping' }, { secret: 'not-the-app-secret' });
		assertEqual(bad.status, 432, 'status for a bad signature');
		const old = await call({ version: '3.0', action: 'ping' }, { publicKey: oldKey.publicKeyPem });
		assertEqual(old.status, 421, 'status for a request encrypted to an old key');
		const expiredToken = issueFlowToken(tokenKey, {
			reference: 'booking',
			language: 'pt_BR',
			ttlMinutes: 1,
			now: new Date(Date.now() - 120_000),
		});
		const expired = await call({ version: '3.0', action: 'INIT', flow_token: expiredToken });
		assertEqual(expired.status, 427, 'status for an expired flow token');
		assert(
			/expirou/.test(expired.json?.error_msg ?? ''),
			`427 error_msg in Portuguese: ${JSON.stringify(expired.json)}`,
		);

		const book = async (token: string, pickSlot?: string) => {
			const step = async (screen: string, data: Record<string, unknown>) =>
				await call({ version: '3.0', action: 'data_exchange', screen, flow_token: token, data });
			const init = await call({ version: '3.0', action: 'INIT', flow_token: token });
			assertEqual(init.json?.screen, 'SPECIALTY', 'first screen');
			const specialty = init.json.data.specialties[0].id;
			const pr = await step('SPECIALTY', { step: 'specialty', specialty });
			assertEqual(pr.json?.screen, 'PRACTITIONER', 'after the specialty');
			const practitioner = pr.json.data.practitioners[0].id;
			const dt = await step('PRACTITIONER', { step: 'practitioner', specialty, practitioner });
			assertEqual(dt.json?.screen, 'DATE', 'after the practitioner');
			const date = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
			const times = await step('DATE', { step: 'date', specialty, practitioner, date });
			assertEqual(times.json?.screen, 'TIME', `after the date (${JSON.stringify(times.json).slice(0, 300)})`);
			const slots = times.json.data.slots as Array<{ id: string; title: string }>;
			assert(slots.length > 0, 'free times come from the endpoint');
			const slot = pickSlot ?? slots[0].id;
			const details = await step('TIME', { step: 'time', specialty, practitioner, date, slot });
			assertEqual(details.json?.screen, 'DETAILS', 'after the time');
			const person = {
				name: 'Ana Pereira',
				birth_date: '1991-07-12',
				phone: '+5511987654321',
				insurance: 'bradesco',
			};
			const summary = await step('DETAILS', { step: 'details', specialty, practitioner, slot, ...person });
			assertEqual(summary.json?.screen, 'SUMMARY', 'after the details');
			assert(/às/.test(summary.json.data.when), `summary in Portuguese: ${summary.json.data.when}`);
			const confirm = await step('SUMMARY', { step: 'confirm', specialty, practitioner, slot, ...person });
			return { slot, confirm, lookupMs: times.ms, slotCount: slots.length };
		};

		const first = await book(issueFlowToken(tokenKey, { reference: 'booking', language: 'pt_BR' }));
		assertEqual(first.confirm.json?.screen, 'SUCCESS', 'the first patient is booked');
		const params = first.confirm.json.data.extension_message_response.params;
		assert(params.appointment_id && params.flow_token, `completion params: ${JSON.stringify(params)}`);
		ctx.log(
			`booked through the Flow: ${first.slotCount} live slots, date → slot list round trip ${first.lookupMs.toFixed(0)} ms`,
		);

		const second = await book(
			issueFlowToken(tokenKey, { reference: 'booking', language: 'pt_BR' }),
			first.slot,
		);
		assertEqual(second.confirm.status, 200, 'the taken slot is not an error');
		assertEqual(second.confirm.json?.screen, 'TIME', 'the second patient is sent back to the times');
		assertEqual(second.confirm.json.data.slot_taken, true, 'the "just taken" note is shown');
		assert(second.confirm.json.data.slots.length > 0, 'alternatives are offered');
		assert(
			!second.confirm.json.data.slots.some((s: { id: string }) => s.id === first.slot),
			'the taken slot is not among the alternatives',
		);
		const failed = (await ctx.n8n.executions({ workflowId: id })).filter(
			(e) => e.status === 'error' || e.status === 'crashed',
		);
		assertEqual(failed.length, 0, 'failed executions of workflow 09');
	},
};
