/** Patient inbox · hand the patient to a nurse: post to workflow 04's staff desk, send the video link. */
import { SETTINGS } from '../clinic-settings';
import { audit, sendText, switchNode } from '../nodes';
import { BRANCH, CONVERSATION, type InboxBranch } from './route';

/** Staff: post to the staff desk (workflow 04); a new handoff also gets the video link in the patient's language. */
export function nurseHandoffBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const settings = f.add('Clinic settings', 'n8n-nodes-base.set', 3.4, [BRANCH(0), y], {
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
	const notify = f.add('Notify nurse', 'n8n-nodes-base.httpRequest', 4.2, [BRANCH(1), y], {
		method: 'POST',
		url: '={{ $json.staffDeskUrl }}',
		sendBody: true,
		specifyBody: 'json',
		// callPermission: the patient's answer to the nurse's call permission request (workflow 04's "Call me").
		jsonBody: `={{ JSON.stringify({ kind: $json.handoff === 'new' ? 'handoff' : 'message', patient: $json.patient, name: $json.profileName, topic: $json.topic, videoLink: $json.videoLink, language: $json.language, callPermission: (($('Opt-out words').item.json.interactive || {}).callPermissionReply || {}).response || null }) }}`,
		options: {},
	});
	const handoffKind = switchNode(
		f,
		'New handoff?',
		[BRANCH(2), y],
		`$('Clinic settings').item.json.handoff === 'new' ? 0 : 1`,
		2,
	);
	const link = sendText(
		f,
		'Send video link',
		[BRANCH(3), y],
		`={{ ${CONVERSATION}.recipient }}`,
		`={{ ${CONVERSATION}.texts.nurse_video.replace('{link}', $('Clinic settings').item.json.videoLink) }}`,
		{ previewUrl: false },
	);
	b.from('Staff', settings);
	f.chain(settings, notify, handoffKind);
	f.connect(handoffKind, link, 0);
	f.connect(link, audit(f, 'Audit handoff', [BRANCH(4), y], 'telemedicine'));
}
