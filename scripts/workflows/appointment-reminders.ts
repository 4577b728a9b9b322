/** 02 · Appointment reminders (24–48 h ahead) with confirm / cancel / reschedule buttons. */
import { templateDate } from './clinic-settings';
import { CRED, Flow, PKG, X } from './flow';
import { audit, builtinScheduler, consentCheck, slotLookup, webhook } from './nodes';

export function reminders(): Flow {
	const f = new Flow('02 · Appointment reminders', 'wac-reminders');
	const wa = CRED.whatsApp;
	f.sticky(
		[
			'## Appointment reminders',
			'Every day at 09:00 (and whenever staff call the *Run reminders now* URL) this sends the **appointment_reminder** template to every patient with an appointment 24 to 48 hours ahead.',
			'',
			'Each patient is checked for consent **right before** their message is sent (one at a time), so a patient who writes STOP / PARAR while the batch is running gets nothing more.',
			'',
			'The buttons carry the appointment ID: *Confirm*, *Cancel* and *Reschedule* are answered by workflow 01 (patient inbox), which updates the appointment and replies; *Reschedule* shows the free times again.',
			'',
			'**Setup**: same clinic rules as in workflow 01 (*List appointments*), your WhatsApp and Clinic Store credentials, and an approved reminder template with three quick-reply buttons.',
		].join('\n'),
		[-420, -60],
		520,
		460,
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
			locale: 'en',
		}),
	);
	f.connect(schedule, list);
	f.connect(now, list);
	const loop = f.add('One patient at a time', 'n8n-nodes-base.splitInBatches', 3, [X(2), 300], {
		batchSize: 1,
		options: {},
	});
	f.connect(list, loop);
	const consent = consentCheck(
		f,
		'Consent: reminders',
		[X(3), 380],
		'={{ $json.patient.phone }}',
		'appointment_reminders',
	);
	f.connect(loop, consent, 1);
	const tpl = f.add(
		'Send reminder',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(4), 260],
		{
			recipient: '={{ $json.patient.phone }}',
			template: { __rl: true, mode: 'name', value: 'appointment_reminder|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { header_1: 'Sim Clinic', body_1: ($json.patient.name || 'patient').split(' ')[0], body_2: ${templateDate('$json.start', 'date')}, body_3: ${templateDate('$json.start', 'time')}, button_0_payload: 'CONFIRM:' + $json.id, button_1_payload: 'CANCEL:' + $json.id, button_2_payload: 'RESCHEDULE:' + $json.id } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.id }}' },
		},
		{ credentials: wa, onError: 'continueRegularOutput' },
	);
	const auditSent = audit(f, 'Audit reminder', [X(5), 260], 'appointment-reminder');
	const auditBlocked = audit(f, 'Audit blocked by consent', [X(4), 500], 'appointment-reminder', {
		direction: 'system',
		includeContent: false,
		fields: {
			event: 'consent.blocked',
			outcome: 'minor-failure',
			patientPhone: '={{ $json.patient.phone }}',
			details: '={{ JSON.stringify({ appointmentId: $json.id, reason: $json.consent.reason }) }}',
		},
	});
	f.connect(consent, tpl, 0);
	f.connect(consent, auditBlocked, 1);
	f.connect(tpl, auditSent);
	f.connect(auditSent, loop);
	f.connect(auditBlocked, loop);
	return f;
}
