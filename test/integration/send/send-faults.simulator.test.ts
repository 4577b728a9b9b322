/**
 * Issue 14 item 4, the proof: 500 template sends per Continue On Fail mode (and a third run without it that Meta
 * refuses halfway, so it throws) against the simulator with a fault rate of
 * 0.2 (connections reset after Meta accepted the message, dropped, timed out, HTTP 500), then the simulator's
 * status webhooks through the WhatsApp Clinic Trigger with Audit to Store. Every message the simulator accepted has
 * exactly one message.sent entry, or one message.unknown entry resolved exactly once; none is called failed; none
 * was sent twice (send-faults-harness.ts does the bookkeeping; bench/send-faults.bench.ts reports the same figures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { closeAllClinicStores } from '../../../core/store';
import { startSimulator } from '../../../simulator';
import { runSendFaults, type SendFaultsReport } from './send-faults-harness';

jest.setTimeout(240_000);

let dir: string;
let report: SendFaultsReport;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'wac-send-faults-'));
	report = await runSendFaults({
		items: 500,
		modes: ['continueOnFail', 'stopOnFail', 'stopOnFailRefused'],
		faultRate: 0.2,
		faultKinds: ['lostResponse', 'drop', 'timeout', 'error500'],
		dir,
	});
});
afterAll(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});

describe('500 sends per mode at fault rate 0.2, then the status webhooks to the trigger’s audit path', () => {
	it('the faults really happened: broken connections and HTTP 500s', () => {
		expect(report.faultsSeen.broken).toBeGreaterThan(50);
		expect(report.faultsSeen.http500).toBeGreaterThan(10);
	});

	it('both modes ran to the end: an unknown outcome does not stop a run without Continue On Fail', () => {
		for (const mode of report.modes.filter((m) => m.mode !== 'stopOnFailRefused')) {
			expect(mode.thrown).toBeUndefined();
			expect(Object.values(mode.outputs).reduce((a, b) => a + b, 0)).toBe(500);
			expect(mode.outputs.unknown).toBeGreaterThan(10);
		}
	});

	it('a refusal without Continue On Fail throws; the messages already accepted are audited all the same', () => {
		const refused = report.modes.find((m) => m.mode === 'stopOnFailRefused');
		expect(refused?.thrown).toMatch(/#131026/);
		// Checked with every other accepted message below: exactly one entry each, none failed, none twice.
		expect(report.accepted).toBeGreaterThan(900);
		expect(report.accepted).toBeLessThan(1400);
	});

	it('every accepted message: exactly one message.sent, or message.unknown resolved exactly once; none called failed', () => {
		expect(report.problems).toEqual([]);
		expect(report.mismatches).toBe(0);
		expect(report.sent + report.unknownResolved).toBe(report.accepted);
		// Messages Meta accepted although their answer was lost: resolved from their status updates.
		expect(report.unknownResolved).toBeGreaterThan(10);
		// Requests dropped before Meta took them: unknown, and (correctly) never resolved.
		expect(report.unknownNeverAccepted).toBeGreaterThan(10);
	});

	it('nothing was sent twice, and the audit chain verifies', () => {
		expect(report.duplicates).toBe(0);
		expect(report.accepted).toBeLessThanOrEqual(1500);
		expect(report.chainValid).toBe(true);
	});
});

describe('the simulator’s control API', () => {
	it('accepts lostResponse among the fault kinds (the e2e scenario sets it at runtime)', async () => {
		const sim = await startSimulator({ port: 0, quiet: true });
		try {
			const config = await sim.configure({ faultRate: 0.2, faultKinds: ['lostResponse', 'drop'] });
			expect(config).toMatchObject({ faultRate: 0.2, faultKinds: ['lostResponse', 'drop'] });
		} finally {
			await sim.close();
		}
	});
});
