/**
 * The reminder workflows (02 and 10) send with an Idempotency Key, evaluated here by n8n-workflow's own expression
 * code on appointment items: a run repeated the same day gets the same key per appointment (so it is skipped), a
 * moved appointment (same ID, new start) a new one (so it is reminded of its new time). The skip itself is end to end
 * in the `reminders-consent-race` e2e scenario and in unit tests of the claims (test/unit/nodes/send).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INode } from 'n8n-workflow';

import { n8nParameterValue } from '../support/n8n-expression';

const DIR = join(__dirname, '..', '..', '..', 'workflows');

function sendReminder(file: string): INode {
	const wf = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { nodes: INode[] };
	const node = wf.nodes.find((n) => n.name === 'Send reminder');
	if (!node) throw new Error(`${file}: no Send reminder node`);
	return node;
}

/** The Idempotency Key n8n evaluates for one appointment item. */
function keyFor(node: INode, appointment: Record<string, unknown>): unknown {
	const raw = (node.parameters.options as Record<string, unknown>).idempotencyKey;
	return n8nParameterValue(raw as string, appointment, node);
}

describe.each(['02-appointment-reminders.json', '10-appointment-reminders-paged.json'])('%s', (file) => {
	const node = sendReminder(file);
	const appointment = {
		id: 'appt-42',
		start: '2026-12-08T11:00:00.000Z',
		patient: { phone: '+5511912345678' },
	};

	it('sends with an Idempotency Key and the Clinic Store that keeps it', () => {
		expect((node.parameters.options as Record<string, unknown>).idempotencyKey).toBeDefined();
		expect(node.credentials?.clinicStoreApi).toBeDefined();
	});

	it('one key per appointment and start: the same on a second run, a new one when the appointment moves', () => {
		const first = keyFor(node, appointment);
		expect(first).toBe('appt-42@2026-12-08T11:00:00.000Z');
		expect(keyFor(node, { ...appointment, patient: { phone: '+5511900000000' } })).toBe(first);
		expect(keyFor(node, { ...appointment, start: '2026-12-08T15:00:00.000Z' })).not.toBe(first);
		expect(keyFor(node, { ...appointment, id: 'appt-43' })).not.toBe(first);
	});
});
