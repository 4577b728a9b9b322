/** 05 · Post-visit follow-up and satisfaction survey for fulfilled visits. */
import { templateDate } from './clinic-settings';
import { CRED, Flow, PKG, X } from './flow';
import { audit, builtinScheduler, consentCheck, patientLanguage, slotLookup, webhook } from './nodes';

const VISIT = `$('Patient language').item.json`;

export function followUp(): Flow {
	const wa = CRED.whatsApp;
	const f = new Flow('05 · Post-visit follow-up and satisfaction survey', 'wac-follow-up');
	f.sticky(
		[
			'## Post-visit follow-up + satisfaction survey',
			'Every day at 19:00 (or via *Run follow-ups now*) patients whose appointment within a day of now was marked **fulfilled** get the *post_visit_follow_up* template ("Feeling better" / "I need help") and the *satisfaction_survey* template (Good / OK / Bad), in the patient’s language (*Patient language*).',
			'',
			'Answers come back to workflow 01: "I need help" opens a nurse handoff; survey answers are **stored in the audit log** (event `survey.csat`, rating + appointment ID) and counted by workflow 06.',
		].join('\n'),
		[-640, -60],
		560,
		340,
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
			locale: 'pt-BR',
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
	const language = patientLanguage(f, 'Patient language', [X(3), 200], '$json.patient.phone', {
		textKey: 'our_team',
	});
	const follow = f.add(
		'Send follow-up',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(4), 200],
		{
			recipient: '={{ $json.patient.phone }}',
			template: {
				__rl: true,
				mode: 'name',
				value: `={{ 'post_visit_follow_up|' + ($json.templateLanguage || 'pt_BR') }}`,
			},
			parameterSource: 'json',
			parametersJson: `={{ { body_1: ($json.patient.name || '—').split(' ')[0], body_2: $json.practitioner.name || $json.text, button_0_payload: 'FOLLOWUP:BETTER:' + $json.id, button_1_payload: 'FOLLOWUP:HELP:' + $json.id } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.id }}' },
		},
		{ credentials: wa, onError: 'continueRegularOutput' },
	);
	const survey = f.add(
		'Send survey',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(5), 200],
		{
			recipient: `={{ ${VISIT}.patient.phone }}`,
			template: {
				__rl: true,
				mode: 'name',
				value: `={{ 'satisfaction_survey|' + (${VISIT}.templateLanguage || 'pt_BR') }}`,
			},
			parameterSource: 'json',
			parametersJson: `={{ { body_1: (${VISIT}.patient.name || '—').split(' ')[0], body_2: ${templateDate(`${VISIT}.start`, 'date')}, button_0_payload: 'CSAT:GOOD:' + ${VISIT}.id, button_1_payload: 'CSAT:OK:' + ${VISIT}.id, button_2_payload: 'CSAT:BAD:' + ${VISIT}.id } }}`,
			options: { bizOpaqueCallbackData: `={{ ${VISIT}.id }}` },
		},
		{ credentials: wa, onError: 'continueRegularOutput' },
	);
	f.connect(list, consent);
	f.connect(consent, language, 0);
	f.chain(language, follow, survey, audit(f, 'Audit follow-up', [X(6), 200], 'follow-up'));
	return f;
}
