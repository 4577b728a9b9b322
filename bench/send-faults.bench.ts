/**
 * send-faults (issue 14 item 4): template sends through the WhatsApp Send Template node against the simulator with a
 * 20 % fault rate (connection reset after Meta accepted the message, dropped, timed out, HTTP 500), in both Continue
 * On Fail modes, then the simulator's status webhooks through the WhatsApp Clinic Trigger with Audit to Store.
 * Compares the simulator's own record of accepted messages with the audit log and the output items
 * (test/integration/send/send-faults-harness.ts, the same bookkeeping as the integration test).
 *
 * Figures: accepted, sent, unknown → resolved, unknown never accepted, failed, duplicates and audit mismatches
 * (targets: 0 duplicates, 0 mismatches), plus the faults the node saw and the run time. A third run without Continue
 * On Fail has Meta refuse its middle item, so it throws (its accepted messages must be audited all the same). 500
 * sends per mode (100 with --quick).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { closeAllClinicStores } from '../core/store';
import { runSendFaults } from '../test/integration/send/send-faults-harness';
import type { Benchmark } from './types';

const FAULT_RATE = 0.2;

const bench: Benchmark = {
	name: 'send-faults',
	description: `sends at fault rate ${FAULT_RATE} (lostResponse, drop, timeout, error500), both Continue On Fail modes (+ a refused run), statuses through the trigger's audit path: every accepted message audited once, none sent twice`,
	async run(ctx) {
		const items = ctx.quick ? 100 : 500;
		const dir = mkdtempSync(join(tmpdir(), 'wac-send-faults-bench-'));
		try {
			const r = await runSendFaults({
				items,
				modes: ['continueOnFail', 'stopOnFail', 'stopOnFailRefused'],
				faultRate: FAULT_RATE,
				faultKinds: ['lostResponse', 'drop', 'timeout', 'error500'],
				dir,
				log: ctx.log,
			});
			for (const problem of r.problems) ctx.log(`mismatch: ${problem}`);
			ctx.log(
				`${items} sends per mode in ${(r.ms / 1000).toFixed(1)} s; faults seen: ${r.faultsSeen.broken} broken connections, ${r.faultsSeen.http500} HTTP 500; ${r.auditEntries} audit entries, chain ${r.chainValid ? 'valid' : 'BROKEN'}`,
			);
			const info = (metric: string, value: number, unit = 'messages') => ({
				metric,
				value,
				unit,
				target: 'info',
				pass: true,
			});
			// The refused run throws by design (Meta's 131026); any other run that throws was stopped by an unknown.
			const thrown = r.modes.filter((m) => m.thrown && m.mode !== 'stopOnFailRefused').length;
			const refusedThrew = r.modes.some(
				(m) => m.mode === 'stopOnFailRefused' && /#131026/.test(m.thrown ?? ''),
			);
			return [
				info('items (all runs)', items * r.modes.length, 'items'),
				info('accepted by the simulator', r.accepted),
				info('sent (message.sent)', r.sent),
				info('unknown → resolved', r.unknownResolved),
				info('unknown, never accepted (unresolved)', r.unknownNeverAccepted),
				info('failed (not sent)', r.failed),
				info('connections broken / HTTP 500 seen', r.faultsSeen.broken + r.faultsSeen.http500, 'faults'),
				{
					metric: 'duplicates',
					value: r.duplicates,
					unit: 'messages',
					target: '= 0',
					pass: r.duplicates === 0,
				},
				{
					metric: 'audit mismatches',
					value: r.mismatches,
					unit: 'messages',
					target: '= 0',
					pass: r.mismatches === 0 && r.chainValid,
				},
				{
					metric: 'runs stopped by an unknown outcome',
					value: thrown,
					unit: 'runs',
					target: '= 0',
					pass: thrown === 0,
				},
				{
					metric: 'refused run threw (131026)',
					value: refusedThrew ? 1 : 0,
					unit: 'runs',
					target: '= 1',
					pass: refusedThrew,
				},
				info('run time', r.ms / 1000, 's'),
			];
		} finally {
			await closeAllClinicStores();
			rmSync(dir, { recursive: true, force: true });
		}
	},
};

export default bench;
