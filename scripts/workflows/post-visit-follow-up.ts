/** 05 · Post-visit follow-up and satisfaction survey for fulfilled visits. */
import { templateDate } from './clinic-settings';
import { CRED, Flow, PKG, X } from './flow';
import { audit, builtinScheduler, consentCheck, slotLookup, webhook } from './nodes';

export function followUp(): Flow {
	const wa = CRED.whatsApp;
	const f = new Flow('05 · Post-visit follow-up and satisfaction survey', 'wac-follow-up');
	f.sticky(
		[
			'## Post-visit follow-up + satisfaction survey',
			'Every day at 19:00 (or via *Run follow-ups now*) patients whose appointment within a day of now was marked **fulfilled** get the *post_visit_follow_up* template ("Feeling better" / "I need help") and the *satisfaction_survey* template (Good / OK / Bad).',
			'',
			'Answers come back to workflow 01: "I need help" opens a nurse handoff; survey answers are **stored in the audit log** (event `survey.csat`, rating + appointment ID) and counted by workflow 06.',
		].join('\n'),
		[-420, -60],
		520,
		320,
	);
	const schedule = f.add('Every day at 19:00', 'n8n-nodes-base.scheduleTrigger', 1.2, [X(0), 200], {
		rule: { interval: [{ field: 'days', daysInterval: 1, triggerAtHour: 19 }] },
	});
	const now = webhook(f, 'Run follow-ups now', [X(0), 420], 'clinic-follow-up-run');
	const list = slotLookup(
		f,
		'Visits of the last 24 h',
		[X(1), 300],
		builtinScheduler('listAppointments', {
			windowStart: '={{ $now.minus({ hours: 24 }).toISO() }}',
			windowEnd: '={{ $now.plus({ hours: 24 }).toISO() }}',
			statuses: ['fulfilled'],
			listLimit: 500,
			locale: 'en',
		}),
	);
	f.connect(schedule, list);
	f.connect(now, list);
	const consent = consentCheck(
		f,
		'Consent: follow-up',
		[X(2), 300],
		'={{ $json.patient.phone }}',
		'appointment_reminders',
	);
	const follow = f.add(
		'Send follow-up',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(3), 200],
		{
			recipient: '={{ $json.patient.phone }}',
			template: { __rl: true, mode: 'name', value: 'post_visit_follow_up|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { body_1: ($json.patient.name || 'patient').split(' ')[0], body_2: $json.practitioner.name || 'our team', button_0_payload: 'FOLLOWUP:BETTER:' + $json.id, button_1_payload: 'FOLLOWUP:HELP:' + $json.id } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.id }}' },
		},
		{ credentials: wa, onError: 'continueRegularOutput' },
	);
	const survey = f.add(
		'Send survey',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(4), 200],
		{
			recipient: `={{ $('Consent: follow-up').item.json.patient.phone }}`,
			template: { __rl: true, mode: 'name', value: 'satisfaction_survey|en_US' },
			parameterSource: 'json',
			parametersJson: `={{ { body_1: ($('Consent: follow-up').item.json.patient.name || 'patient').split(' ')[0], body_2: ${templateDate(`$('Consent: follow-up').item.json.start`, 'date')}, button_0_payload: 'CSAT:GOOD:' + $('Consent: follow-up').item.json.id, button_1_payload: 'CSAT:OK:' + $('Consent: follow-up').item.json.id, button_2_payload: 'CSAT:BAD:' + $('Consent: follow-up').item.json.id } }}`,
			options: { bizOpaqueCallbackData: `={{ $('Consent: follow-up').item.json.id }}` },
		},
		{ credentials: wa, onError: 'continueRegularOutput' },
	);
	f.connect(list, consent);
	f.connect(consent, follow, 0);
	f.chain(follow, survey, audit(f, 'Audit follow-up', [X(5), 200], 'follow-up'));
	return f;
}
