/**
 * Workflow 10 (appointment reminders in pages) as shipped, in a real n8n: 300 booked appointments over two hours
 * (eight 15-minute pages) seeded straight into the clinic store; "Run reminders now" with that window; while the
 * first tries run the simulator answers half the Graph API requests with a 500 (retryable: Send reminder retries each
 * message with backoff, then reports it not sent), so at least one page fails after its audit; then the faults stop.
 * The coordinator runs the failed pages again after 20 s: every patient gets the reminder exactly once (the
 * Idempotency Key skips what the first try sent), no page gives up, and the audit chain verifies.
 */
import { join } from 'node:path';

import { PAGED_REMINDERS_NAME, PAGED_RUN_PATH } from '../../../scripts/workflows/appointment-reminders-paged';
import '../../../core/scheduling/schema';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import { closeAllClinicStores, openClinicStore } from '../../../core/store/open-store';
import type { ClinicStore } from '../../../core/store/ports';
import { TEST_PHI_KEY } from '../../stack/credentials';
import { waitUntil } from '../../stack/proc';
import { auditVerifyWorkflow } from '../../stack/reminder-batch';
import { assert, assertEqual, type Scenario, type ScenarioContext } from '../scenario';
import { callWebhook, executionError, patientPhone, useWorkflow, workflowId } from './util';

const COUNT = 300;
const PAGES = 8;
const PAGE_MS = 15 * 60_000;
const VERIFY_PATH = 'e2e-paged-reminders-verify';

/** The clinic store the stack's Clinic Store credential points at (SQLite file, or PostgreSQL in queue mode). */
async function stackStore(ctx: ScenarioContext): Promise<ClinicStore> {
	const phi = { key: TEST_PHI_KEY, keyId: 'key-1' };
	const db = ctx.stack.queue?.storeDatabase;
	return await openClinicStore(
		db
			? { backend: 'postgres', connectionString: db.url, phi }
			: { backend: 'sqlite', path: join(ctx.n8n.userFolder, 'clinic-store.sqlite'), phi },
	);
}

export const remindersPagedScenario: Scenario = {
	name: 'reminders-paged',
	description: `Workflow 10: ${COUNT} reminders over ${PAGES} pages, half the Graph requests failing during the first tries → failed pages run again, everyone reminded exactly once, audit chain valid`,
	requires: { nodes: ['whatsAppSendTemplate', 'appointmentSlotLookup', 'auditLog', 'clinicConversation'] },
	async run(ctx) {
		const id = workflowId(ctx, PAGED_REMINDERS_NAME);
		await ctx.sim.control('POST', '/config', { webhookUrl: '' });
		ctx.defer(async () => {
			await ctx.sim.control('POST', '/config', { faultRate: 0 });
			if (ctx.stack.inboxWebhookUrl) await ctx.sim.setCallback(ctx.stack.inboxWebhookUrl);
		});

		// 300 appointments 25–27 h ahead, about 37 per 15-minute page, each with its own patient.
		const from = Math.ceil((Date.now() + 25 * 3600_000) / PAGE_MS) * PAGE_MS;
		const tag = Date.now().toString(36);
		const phones = Array.from({ length: COUNT }, () => patientPhone());
		const store = await stackStore(ctx);
		try {
			const repo = new SqlBookingRepository(store, 'default');
			const now = Date.now();
			for (let i = 0; i < COUNT; i++) {
				const startMs = from + (i % PAGES) * PAGE_MS + (Math.floor(i / PAGES) % 14) * 60_000;
				await repo.insertIfFree(
					{
						id: `apt-paged-${tag}-${i}`,
						practitionerId: `p-paged-${tag}-${i}`,
						serviceId: 'consultation',
						startMs,
						endMs: startMs + 30 * 60_000,
						status: 'booked',
						patient: { name: `Paciente ${i} Paginado`, phone: `+${phones[i]}` },
						createdAtMs: now,
						updatedAtMs: now,
					},
					0,
				);
			}
		} finally {
			await closeAllClinicStores();
		}
		// The 300 lie in workflow 02's 24–48 h window: remove them afterwards, or the later scenarios' reminder runs
		// (waitlist-backfill) would remind them all too and wait behind the number's cap.
		ctx.defer(async () => {
			const cleanup = await stackStore(ctx);
			try {
				await cleanup.query('DELETE FROM clinic_bookings WHERE id LIKE $1', [`apt-paged-${tag}-%`]);
			} finally {
				await closeAllClinicStores();
			}
		});

		await ctx.sim.control('POST', '/config', { faultRate: 0.5, faultKinds: ['error500'] });
		const since = Date.now();
		await callWebhook(ctx, PAGED_RUN_PATH, {
			from: new Date(from).toISOString(),
			to: new Date(from + PAGES * PAGE_MS).toISOString(),
		});
		// n8n keeps failed executions only: the first one is a page that failed after its audit.
		const failed = async () =>
			(await ctx.n8n.executions({ workflowId: id, includeData: true })).filter(
				(e) => Date.parse(e.startedAt) >= since && e.status === 'error',
			);
		const firstFailures = await waitUntil(
			'a page failed',
			async () => ((await failed()).length ? await failed() : undefined),
			60_000,
			500,
		);
		await ctx.sim.control('POST', '/config', { faultRate: 0 });
		ctx.log(
			`first failed page after ${((Date.now() - since) / 1000).toFixed(1)} s: ${executionError(firstFailures[0])}`,
		);

		const wanted = new Set(phones);
		const reminded = async () =>
			(await ctx.sim.messages()).filter(
				(m) => m.templateName === 'appointment_reminder' && wanted.has(String(m.to).replace(/\D/g, '')),
			);
		await waitUntil(
			`all ${COUNT} patients reminded`,
			async () =>
				new Set((await reminded()).map((m) => String(m.to).replace(/\D/g, ''))).size === COUNT || undefined,
			110_000,
			1000,
		);
		// Let any page still running finish, then count.
		await waitUntil(
			'no execution of workflow 10 still running',
			async () =>
				(await ctx.n8n.executions({ workflowId: id })).every(
					(e) => !['running', 'new', 'waiting'].includes(e.status),
				) || undefined,
			60_000,
			1000,
		);
		const messages = await reminded();
		const perPatient = new Map<string, number>();
		for (const m of messages) {
			const to = String(m.to).replace(/\D/g, '');
			perPatient.set(to, (perPatient.get(to) ?? 0) + 1);
		}
		const twice = [...perPatient].filter(([, n]) => n > 1);
		assertEqual(perPatient.size, COUNT, 'patients reminded');
		assertEqual(twice.length, 0, `patients reminded more than once (${JSON.stringify(twice.slice(0, 3))})`);

		const failures = await failed();
		const pageFailures = failures.filter((e) =>
			/not sent for a passing reason/.test(executionError(e) ?? ''),
		);
		const gaveUp = failures.filter((e) => /failed 3 times/.test(executionError(e) ?? ''));
		// Any other page failure (e.g. a busy store) is run again the same way: shown, not a failure of the scenario.
		const other = failures.filter((e) => !pageFailures.includes(e) && !gaveUp.includes(e));
		ctx.log(
			`${messages.length} reminders to ${perPatient.size} patients; ${pageFailures.length} page run(s) failed for a passing reason, ${other.length} for another reason${other.length ? ` (${executionError(other[0])})` : ''}; all run again`,
		);
		assert(pageFailures.length >= 1, 'at least one page failed for a passing reason (and was run again)');
		assertEqual(
			gaveUp.map((e) => executionError(e)),
			[],
			'pages given up after three tries',
		);

		await useWorkflow(ctx, auditVerifyWorkflow(VERIFY_PATH));
		const report = await callWebhook(ctx, VERIFY_PATH, {});
		const verdict = Array.isArray(report) ? report[0] : report;
		ctx.log(`audit chain: ${JSON.stringify(verdict).slice(0, 200)}`);
		assertEqual(verdict?.valid, true, 'audit chain verifies');
	},
};
