/** 02 · Appointment reminders (24–48 h ahead) with confirm / cancel / reschedule buttons, in each patient's language. */
import { templateDate } from './clinic-settings';
import { CRED, Flow, PKG, X } from './flow';
import { audit, builtinScheduler, patientLanguage, slotLookup, switchNode, webhook } from './nodes';

const APPOINTMENT = `$('Patient language').item.json`;

export function reminders(): Flow {
	const f = new Flow('02 · Appointment reminders', 'wac-reminders');
	f.sticky(
		[
			'## Appointment reminders',
			'Every day at 09:00 (and whenever staff call the *Run reminders now* URL) this sends the **appointment_reminder** template to every patient with an appointment 24 to 48 hours ahead, in the patient’s language (*Patient language*: the language they picked or wrote in, else their phone’s country, else the clinic’s).',
			'',
			'The whole batch goes through *Send reminder*, which checks every patient’s consent (*Require Consent for Purpose*: Appointment Reminders) right before sending: patients who wrote STOP / PARAR are not messaged and come out with `sent: false`, audited as consent.blocked.',
			'',
			'*Idempotency Key* = appointment ID and start time: running it again the same day (the URL called twice, a run restarted after a crash) never reminds anyone twice; those come out with `status: skipped`. A moved appointment gets a reminder for its new time.',
			'',
			'The buttons carry the appointment ID: *Confirm*, *Cancel* and *Reschedule* are answered by workflow 01 (patient inbox), which updates the appointment and replies; *Reschedule* shows the free times again.',
			'',
			'**Setup**: same clinic rules as in workflow 01 (*List appointments*), your WhatsApp and Clinic Store credentials (also on *Send reminder*), and the reminder template approved in pt_BR, es and en_US with three quick-reply buttons.',
			'',
			'**Thousands of reminders a day, or queue mode?** One run lists at most 500 appointments (*Limit*; the node warns when more match): import workflow 10 instead (the same steps in 15-minute pages, a failed page run again).',
		].join('\n'),
		[-640, -60],
		560,
		600,
	);
	const schedule = f.add('Every day at 09:00', 'n8n-nodes-base.scheduleTrigger', 1.2, [X(0), 200], {
		rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 9 }] },
	});
	const now = webhook(f, 'Run reminders now', [X(0), 420], 'clinic-reminders-run');
	const list = slotLookup(
		f,
		'List appointments 24–48 h ahead',
		[X(1), 300],
		builtinScheduler('listAppointments', {
			windowStart: '={{ $now.plus({ hours: 24 }).toISO() }}',
			windowEnd: '={{ $now.plus({ hours: 48 }).toISO() }}',
			statuses: ['booked'],
			listLimit: 500,
			locale: 'pt-BR',
		}),
	);
	f.connect(schedule, list);
	f.connect(now, list);
	reminderSteps(f, list, 2, 300);
	return f;
}

/**
 * Send reminder's Idempotency Key: the appointment and its start, so a run repeated the same day skips what was sent
 * and a moved appointment (same ID, new start) is reminded of its new time.
 */
export const REMINDER_IDEMPOTENCY_KEY = '={{ $json.id }}@{{ $json.start }}';

/**
 * From a list of appointments to audited reminders (workflows 02 and 10): Patient language → Send reminder (consent
 * check right before sending, Idempotency Key per appointment and start) → Blocked by consent? → Audit reminder /
 * Audit blocked by consent, from column `col` at height `y`. `sendOptions` adds Send reminder options. Returns the
 * audit nodes.
 */
export function reminderSteps(
	f: Flow,
	list: string,
	col: number,
	y: number,
	sendOptions: Record<string, unknown> = {},
): { sent: string; blocked: string } {
	const language = patientLanguage(f, 'Patient language', [X(col), y], '$json.patient.phone');
	f.connect(list, language);
	const tpl = f.add(
		'Send reminder',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(col + 1), y],
		{
			recipient: '={{ $json.patient.phone }}',
			template: {
				__rl: true,
				mode: 'name',
				value: `={{ 'appointment_reminder|' + ($json.templateLanguage || 'pt_BR') }}`,
			},
			parameterSource: 'json',
			parametersJson: `={{ { header_1: 'Sim Clinic', body_1: ($json.patient.name || '—').split(' ')[0], body_2: ${templateDate('$json.start', 'date')}, body_3: ${templateDate('$json.start', 'time')}, button_0_payload: 'CONFIRM:' + $json.id, button_1_payload: 'CANCEL:' + $json.id, button_2_payload: 'RESCHEDULE:' + $json.id } }}`,
			options: {
				bizOpaqueCallbackData: '={{ $json.id }}',
				idempotencyKey: REMINDER_IDEMPOTENCY_KEY,
				...sendOptions,
			},
			requireConsent: 'appointment_reminders',
		},
		{ credentials: { ...CRED.whatsApp, ...CRED.store }, onError: 'continueRegularOutput' },
	);
	f.connect(language, tpl);
	const blocked = switchNode(
		f,
		'Blocked by consent?',
		[X(col + 2), y],
		'$json.consent && $json.consent.allowed === false ? 1 : 0',
		2,
	);
	f.connect(tpl, blocked);
	// The appointment (and its practitioner) in the details: the KPI report counts the reminder for that practitioner.
	const auditSent = audit(f, 'Audit reminder', [X(col + 3), y - 100], 'appointment-reminder', {
		fields: {
			details: `={{ JSON.stringify({ appointmentId: ${APPOINTMENT}.id, practitionerId: ${APPOINTMENT}.practitioner?.id ?? null }) }}`,
		},
	});
	const auditBlocked = audit(f, 'Audit blocked by consent', [X(col + 3), y + 120], 'appointment-reminder', {
		direction: 'system',
		includeContent: false,
		fields: {
			event: 'consent.blocked',
			outcome: 'minor-failure',
			patientPhone: `={{ ${APPOINTMENT}.patient.phone }}`,
			details: `={{ JSON.stringify({ appointmentId: ${APPOINTMENT}.id, practitionerId: ${APPOINTMENT}.practitioner?.id ?? null, reason: $json.consent.reason }) }}`,
		},
	});
	f.connect(blocked, auditSent, 0);
	f.connect(blocked, auditBlocked, 1);
	return { sent: auditSent, blocked: auditBlocked };
}
