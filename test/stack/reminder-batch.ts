/**
 * A reminder batch as e2e (queue-* scenarios) and the queue benchmarks run it: Webhook (POST body { count, offset?,
 * prefix, base }) → Code makes `count` due appointments (IDs prefix-i, phones +55119 base+i) → WhatsApp Send
 * Template "appointment_reminder" in bulk with the PostgreSQL Clinic Store credential, optionally with Idempotency
 * Key and Audit to Store; the Audit Log verification both run afterwards; plus the counts both check (accepted per
 * recipient, the busiest 1,000 ms).
 */
import { CREDENTIAL_NAMES } from './credentials';
import type { WorkflowJson } from './n8n-types';
import { PACKAGE_NAME } from './paths';

export interface BulkReminderOptions {
	path: string;
	mps: number;
	idempotency?: boolean;
	audit?: boolean;
}

/** POST body: { count, offset?, prefix (appointment IDs), base (first phone number's last 8 digits) }. */
export function bulkRemindersWorkflow(o: BulkReminderOptions): WorkflowJson {
	const code = `const { count, offset = 0, prefix, base } = $json.body;
return Array.from({ length: count }, (_, k) => {
	const i = offset + k;
	return { json: { id: prefix + '-' + i, phone: '+55119' + String(base + i).padStart(8, '0'), name: 'Patient ' + i } };
});`;
	return {
		name: `Reminder batch ${o.path}`,
		nodes: [
			{
				name: 'Run',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${o.path}-0000-0000-0000-000000000000`.slice(0, 36),
				parameters: { httpMethod: 'POST', path: o.path, responseMode: 'onReceived', options: {} },
			},
			{
				name: 'Due appointments',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: code },
			},
			{
				name: 'Send reminder',
				type: `${PACKAGE_NAME}.whatsAppSendTemplate`,
				typeVersion: 1,
				position: [440, 0],
				onError: 'continueRegularOutput',
				parameters: {
					recipient: '={{ $json.phone }}',
					template: { __rl: true, mode: 'name', value: 'appointment_reminder|en_US' },
					parameterSource: 'json',
					parametersJson:
						"={{ { header_1: 'Sim Clinic', body_1: $json.name, body_2: 'December 8', body_3: '8:00 AM', button_0_payload: 'CONFIRM:' + $json.id, button_1_payload: 'CANCEL:' + $json.id, button_2_payload: 'RESCHEDULE:' + $json.id } }}",
					...(o.audit ? { auditToStore: true, auditPurpose: 'appointment-reminder' } : {}),
					options: {
						messagesPerSecond: o.mps,
						...(o.idempotency ? { idempotencyKey: '={{ $json.id }}' } : {}),
					},
				},
				credentials: {
					whatsAppClinicApi: { name: CREDENTIAL_NAMES.whatsApp },
					clinicStoreApi: { name: CREDENTIAL_NAMES.storePostgres },
				},
			},
		],
		connections: {
			Run: { main: [[{ node: 'Due appointments', type: 'main', index: 0 }]] },
			'Due appointments': { main: [[{ node: 'Send reminder', type: 'main', index: 0 }]] },
		},
	};
}

/** Webhook `path` → Audit Log "Verify Chain" on the PostgreSQL Clinic Store, answering with the report. */
export function auditVerifyWorkflow(path: string): WorkflowJson {
	return {
		name: `Verify audit chain ${path}`,
		nodes: [
			{
				name: 'Verify now',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${path}-0000-0000-0000-000000000000`.slice(0, 36),
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			{
				name: 'Verify chain',
				type: `${PACKAGE_NAME}.auditLog`,
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'verify', failWhenBroken: false, options: {} },
				credentials: { clinicStoreApi: { name: CREDENTIAL_NAMES.storePostgres } },
			},
		],
		connections: { 'Verify now': { main: [[{ node: 'Verify chain', type: 'main', index: 0 }]] } },
	};
}

/** The largest number of times in any [t, t + windowMs). */
export function maxInWindow(times: number[], windowMs = 1000): number {
	const sorted = [...times].sort((a, b) => a - b);
	let max = 0;
	let start = 0;
	for (let end = 0; end < sorted.length; end++) {
		while (sorted[end] - sorted[start] >= windowMs) start++;
		max = Math.max(max, end - start + 1);
	}
	return max;
}

/** Accepted messages per recipient (digits). */
export function perRecipient(messages: Array<{ to: string }>): Map<string, number> {
	const counts = new Map<string, number>();
	for (const m of messages) {
		const to = String(m.to).replace(/\D/g, '');
		counts.set(to, (counts.get(to) ?? 0) + 1);
	}
	return counts;
}
