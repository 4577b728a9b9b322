/** Patient inbox · hand the patient to a nurse: post to workflow 04's staff desk, send the video link. */
import { SETTINGS } from '../clinic-settings';
import { X } from '../flow';
import { audit, sendText, switchNode } from '../nodes';
import type { InboxBranch } from './route';

/** 7 nurse, 8 to_staff: post to the staff desk (workflow 04); a new handoff also gets the video link. */
export function nurseHandoffBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const settings = f.add('Clinic settings', 'n8n-nodes-base.set', 3.4, [X(7), y], {
		mode: 'manual',
		includeOtherFields: true,
		assignments: {
			assignments: [
				{ id: 'staff-url', name: 'staffDeskUrl', type: 'string', value: SETTINGS.staffDeskExpression },
				{
					id: 'video',
					name: 'videoLink',
					type: 'string',
					value: `={{ '${SETTINGS.videoBase}' + $execution.id }}`,
				},
			],
		},
		options: {},
	});
	const notify = f.add('Notify nurse', 'n8n-nodes-base.httpRequest', 4.2, [X(8), y], {
		method: 'POST',
		url: '={{ $json.staffDeskUrl }}',
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `={{ JSON.stringify({ kind: $json.action === 'nurse' ? 'handoff' : 'message', patient: $json.patient, name: $json.profileName, topic: $json.topic, videoLink: $json.videoLink }) }}`,
		options: {},
	});
	const handoffKind = switchNode(
		f,
		'New handoff?',
		[X(9), y],
		`$('Clinic settings').item.json.action === 'nurse' ? 0 : 1`,
		2,
	);
	const link = sendText(
		f,
		'Send video link',
		[X(10), y],
		`={{ $('Clinic settings').item.json.recipient }}`,
		`={{ 'A nurse will talk to you now. Join the video call here: ' + $('Clinic settings').item.json.videoLink + ' (or just keep writing here).' }}`,
		{ previewUrl: false },
	);
	b.from('nurse', settings);
	b.from('to_staff', settings);
	f.chain(settings, notify, handoffKind);
	f.connect(handoffKind, link, 0);
	f.connect(link, audit(f, 'Audit handoff', [X(11), y], 'telemedicine'));
}
