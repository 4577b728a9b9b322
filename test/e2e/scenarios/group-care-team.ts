/**
 * Issue 16 part 1 end to end in real n8n: workflow 07 opens a care team group (patient, nurse and, with the
 * patient's recorded consent, a relative invited by template); the relative joins by tapping the invite link on the
 * simulator's chat page (headless Chromium) and writes in the group; the patient joins and writes too; both messages
 * reach workflow 01's trigger as typed `message` items with `groupId` and the bot does not answer them; the care plan
 * goes to the group; an interactive send to the group is refused locally; PARAR in the group opts the patient out
 * (confirmed one to one); closing deletes the group.
 */

import type { WorkflowJson } from '../../stack/n8n';
import { sleep, waitUntil } from '../../stack/proc';
import { assert, assertEqual, type Scenario } from '../scenario';
import { CHROMIUM, hasChromium, launchChromium } from './chromium';
import { textOf } from './patient';
import {
	T,
	WF,
	assertNoFailedExecutions,
	callWebhook,
	nodeOutput,
	patientPhone,
	useWorkflow,
	workflowId,
} from './util';

const CARE_TEAM = '07 · Care team group';

/** Webhook → WhatsApp Send Message "Send Buttons" to a group: must fail before anything reaches WhatsApp. */
function interactiveToGroup(): WorkflowJson {
	return {
		name: 'E2E interactive to a group',
		nodes: [
			{
				name: 'Try buttons',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: 'e2e-group-buttons-0000-0000-000000000001',
				parameters: { httpMethod: 'POST', path: 'e2e-group-buttons', responseMode: 'lastNode', options: {} },
			},
			{
				name: 'Buttons to the group',
				type: T('whatsAppSendMessage'),
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					operation: 'buttons',
					sendTo: 'group',
					groupId: '={{ $json.body.groupId }}',
					body: 'How do you feel today?',
					buttons: { button: [{ id: 'OK', title: 'Fine' }] },
					options: {},
				},
				credentials: { whatsAppClinicApi: { name: 'WhatsApp Cloud API (simulator)' } },
			},
		],
		connections: { 'Try buttons': { main: [[{ node: 'Buttons to the group', type: 'main', index: 0 }]] } },
	};
}

export const groupCareTeamScenario: Scenario = {
	name: 'group-care-team',
	description:
		'Workflow 07: care team group created, relative joins by invite link on the chat page, two participants’ messages arrive typed with groupId, interactive send refused locally, PARAR opts out, group closed',
	requires: { nodes: ['whatsAppGroup', 'whatsAppClinicTrigger', 'whatsAppSendMessage', 'consentCheck'] },
	async run(ctx) {
		assert(hasChromium, `${CHROMIUM} not found: apt-get install -y chromium`);
		const since = Date.now();
		const inbox = workflowId(ctx, WF.inbox);
		const [patient, relative, nurse] = [patientPhone(), patientPhone(), patientPhone()];

		// 1. Staff open the care team group.
		const opened = await callWebhook(ctx, 'clinic-care-team-open', {
			patient: `+${patient}`,
			patientName: 'Maria Souza',
			nurse: `+${nurse}`,
			relative: `+${relative}`,
			familyConsent: true,
		});
		const { groupId, inviteLink } = opened as { groupId: string; inviteLink: string };
		ctx.log(`group ${groupId.slice(0, 16)}… invites: ${JSON.stringify(opened.invites)}`);
		assert(/^https:\/\/chat\.whatsapp\.com\//.test(inviteLink), `invite link: ${inviteLink}`);
		assertEqual(
			(opened.invites as Array<{ role: string; status: string }>).map((i) => `${i.role}:${i.status}`),
			['patient:sent', 'staff:sent', 'relative:sent'],
			'invites',
		);
		const [invite] = await ctx.sim.waitForMessages(relative, 1);
		assertEqual(invite.templateName, 'care_team_group_invite', 'the relative got the invite template');
		assert(textOf(invite).includes(inviteLink), 'the invite carries the link');

		// 2. The relative taps the link on the chat page and writes in the group.
		const browser = await launchChromium(ctx);
		const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
		await page.goto(`${ctx.sim.url}/?phone=${relative}&name=Jo%C3%A3o%20Souza`, {
			waitUntil: 'domcontentloaded',
		});
		await page.locator('button[data-kind="join-group"]').first().click({ timeout: 45_000 });
		await page.getByText('Group · Care team · Maria').waitFor({ timeout: 45_000 });
		await page.locator('#composer-text').fill('Hello, I am her son João');
		await page.locator('#send-text').click();
		await page
			.locator('[data-testid="patient-message"]', { hasText: 'I am her son' })
			.waitFor({ timeout: 45_000 });

		// 3. The patient joins (her phone) and writes too.
		await ctx.sim.control('POST', '/groups/join', { inviteLink, from: patient, name: 'Maria Souza' });
		await ctx.sim.inbound({
			from: patient,
			name: 'Maria Souza',
			type: 'text',
			text: 'Thank you all',
			groupId,
		});
		await page
			.locator('[data-testid="member-message"]', { hasText: 'Thank you all' })
			.waitFor({ timeout: 45_000 });

		// 4. Both messages reach workflow 01 as typed items with groupId; the bot answers neither one to one.
		const items = await waitUntil(
			'both group messages in workflow 01',
			async () => {
				const runs = await ctx.n8n.executions({ workflowId: inbox, includeData: true });
				const found = runs
					.flatMap((e) => nodeOutput(e, 'WhatsApp Clinic Trigger'))
					.filter((i) => i.groupId === groupId && i.event === 'message');
				return found.length >= 2 ? found : undefined;
			},
			60_000,
			500,
		);
		assertEqual(
			items.map((i) => [i.event, i.from, i.type]).sort(),
			[
				['message', patient, 'text'],
				['message', relative, 'text'],
			].sort(),
			'typed group messages (event, from, type)',
		);
		const son = items.find((i) => i.from === relative);
		assert(String(son?.text).includes('her son'), `group message text: ${son?.text}`);
		await sleep(1500);
		assertEqual((await ctx.sim.messages({ to: relative })).length, 1, 'the bot did not answer the relative');

		// 5. The care plan goes to the group.
		await callWebhook(ctx, 'clinic-care-team-plan', {
			groupId,
			carePlanUrl: 'https://clinic.example/plans/maria.pdf',
			fileName: 'care-plan.pdf',
		});
		const plan = await waitUntil(
			'care plan in the group',
			async () => {
				const thread = await ctx.sim.control(
					'GET',
					`/groups/conversation?group=${encodeURIComponent(groupId)}`,
				);
				return (thread.data as Array<Record<string, any>>).find(
					(m) => m.direction === 'out' && m.type === 'document',
				);
			},
			20_000,
		);
		assertEqual(plan.request.recipient_type, 'group', 'care plan sent as a group message');

		// 6. An interactive message to the group is refused before anything reaches WhatsApp.
		await useWorkflow(ctx, interactiveToGroup());
		const refused = await callWebhook(ctx, 'e2e-group-buttons', { groupId }).then(
			() => '',
			(e: Error) => e.message,
		);
		assert(
			/interactive/.test(refused) && /group/i.test(refused),
			`interactive to a group refused: ${refused}`,
		);
		const thread = await ctx.sim.control('GET', `/groups/conversation?group=${encodeURIComponent(groupId)}`);
		assert(
			!(thread.data as Array<Record<string, any>>).some((m) => m.type === 'interactive'),
			'no interactive message reached the group',
		);
		ctx.log(`refused locally: ${refused.slice(0, 160)}`);

		// 7. PARAR in the group opts the patient out, confirmed one to one.
		const before = (await ctx.sim.messages({ to: patient })).length;
		await ctx.sim.inbound({ from: patient, type: 'text', text: 'PARAR', groupId });
		const after = await ctx.sim.waitForMessages(patient, before + 1);
		assert(
			/não receberá|não vai receber|opted out|mensagens/i.test(textOf(after[after.length - 1])),
			'opt-out confirmed',
		);

		// 8. Closing deletes the group.
		await callWebhook(ctx, 'clinic-care-team-close', { groupId });
		await waitUntil(
			'group deleted',
			async () => {
				const groups = await ctx.sim.control('GET', '/groups');
				return (groups.data as Array<{ id: string }>).every((g) => g.id !== groupId) ? true : undefined;
			},
			20_000,
		);
		await assertNoFailedExecutions(ctx, [WF.inbox, CARE_TEAM], since);
	},
};
