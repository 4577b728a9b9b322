/**
 * 07 · Care team group: a WhatsApp group for one patient with their nurse or specialist and, with the patient's
 * consent, a family member; the care plan posted to the group; the group closed at the end of care.
 */
import { NODE_TEXTS } from '../../core/i18n/node-texts';
import { CRED, Flow, PKG, X } from './flow';
import { audit, code, switchNode, webhook } from './nodes';

/** A text of the table (core/i18n) in the request's `language` (pt_BR, es, en), the clinic's Portuguese by default. */
const inLanguage = (texts: { readonly pt_BR: string; readonly es: string; readonly en: string }) =>
	`={{ (${JSON.stringify(texts)})[$json.body.language] || ${JSON.stringify(texts.pt_BR)} }}`;

/** Consent purpose that lets a relative into the patient's care team group (custom: needs the patient's opt-in). */
export const FAMILY_PURPOSE = 'care_team_family';
const AUDIT_PURPOSE = 'care-team-group';

const groupNode = (f: Flow, name: string, position: [number, number], parameters: Record<string, unknown>) =>
	f.add(name, `${PKG}.whatsAppGroup`, 1, position, parameters, {
		credentials: { ...CRED.whatsApp, ...CRED.store },
	});

export function careTeamGroup(): Flow {
	const f = new Flow('07 · Care team group', 'wac-care-team-group');
	f.sticky(
		[
			'## Care team group',
			'A WhatsApp group for one patient and their care team (at most 8 people; text, documents and templates only). Call it from the telemedicine staff desk (04) or any staff tool:',
			'- **Open care team** (POST `{ "patient": "+5511…", "patientName": "Maria Souza", "nurse": "+5511…", "relative": "+5511…", "familyConsent": true }`) creates the group and sends each person the invite link. The patient is invited only if their consent allows telemedicine; the relative only if the patient agreed (`familyConsent` records that opt-in, purpose *care_team_family*). Answers `{ groupId, inviteLink, invites }`.',
			'- **Post care plan** (POST `{ "groupId": "…", "carePlanUrl": "https://…/plan.pdf", "fileName": "care-plan.pdf", "language": "pt_BR" }`) posts the document to the group.',
			'- **Close care team** (POST `{ "groupId": "…", "language": "pt_BR" }`) says goodbye, deletes the group and writes *care_team_group.closed* to the audit log.',
			'',
			'Group messages from participants reach workflow 01 as messages with a `groupId`: they are audited and STOP/PARAR opts the participant out, but the bot does not answer them. Every send here is audited per participant.',
			'',
			'**Setup**: the WhatsApp and Clinic Store credentials; an approved invite template whose body variable {{1}} is the link (here *care_team_group_invite*).',
		].join('\n'),
		[-420, -80],
		560,
		520,
	);

	// Open: (record the family consent) → create → one invite per person → summary.
	const open = webhook(f, 'Open care team', [X(0), 300], 'clinic-care-team-open', 'lastNode');
	const withFamily = switchNode(
		f,
		'Family consent given?',
		[X(1), 300],
		'$json.body.relative && $json.body.familyConsent === true ? 0 : 1',
		2,
	);
	const familyConsent = f.add(
		'Record family consent',
		`${PKG}.consentCheck`,
		1,
		[X(2), 160],
		{
			operation: 'recordOptIn',
			recipient: '={{ $json.body.patient }}',
			userId: '',
			purposes: [],
			customPurposes: FAMILY_PURPOSE,
			textShown:
				'={{ "Staff recorded that " + $json.body.patientName + " agreed to add a family member to the care team group" }}',
			sourceMessageId: '',
			options: { channel: 'in_person' },
		},
		{ credentials: CRED.store },
	);
	const create = groupNode(f, 'Create care team group', [X(3), 300], {
		operation: 'create',
		subject: `={{ 'Care team · ' + $('Open care team').item.json.body.patientName.split(' ')[0] }}`,
		description:
			'Your clinic care team: your nurse and doctor answer here during opening hours. In an emergency call 192.',
		joinApprovalMode: 'auto_approve',
		waitForGroup: true,
		waitSeconds: 30,
	});
	const people = f.add(
		'Who is invited',
		'n8n-nodes-base.code',
		2,
		[X(4), 300],
		code(
			[
				"const body = $('Open care team').first().json.body;",
				'const group = $input.first().json;',
				'const people = [',
				"\t{ invitee: body.patient, role: 'patient' },",
				"\t{ invitee: body.nurse, role: 'staff' },",
				"\tbody.relative ? { invitee: body.relative, role: 'relative' } : null,",
				'].filter((p) => p && p.invitee);',
				'return people.map((p) => ({ json: { ...p, patient: body.patient, groupId: group.groupId, inviteLink: group.inviteLink } }));',
			].join('\n'),
		),
	);
	const invite = groupNode(f, 'Send invites', [X(5), 300], {
		operation: 'sendInvite',
		groupId: '={{ $json.groupId }}',
		invitee: '={{ $json.invitee }}',
		inviteeRole: '={{ $json.role }}',
		patient: '={{ $json.patient }}',
		invitePurpose: `={{ $json.role === 'relative' ? 'custom' : 'telemedicine' }}`,
		inviteCustomPurpose: FAMILY_PURPOSE,
		inviteLink: '={{ $json.inviteLink }}',
		sendAs: 'template',
		inviteTemplate: 'care_team_group_invite',
		inviteTemplateLanguage: 'en_US',
		linkPlacement: 'body',
		linkVariable: '1',
		auditToStore: true,
		auditPurpose: AUDIT_PURPOSE,
		options: { defaultCountry: 'BR' },
	});
	const summary = f.add(
		'Summary',
		'n8n-nodes-base.code',
		2,
		[X(6), 300],
		code(
			[
				"const group = $('Create care team group').first().json;",
				'return [{ json: {',
				'\tgroupId: group.groupId,',
				'\tinviteLink: group.inviteLink,',
				'\tinvites: $input.all().map((i) => ({ role: i.json.inviteeRole, recipient: i.json.recipient, status: i.json.status, reason: i.json.consent && i.json.consent.reason || (i.json.error && i.json.error.message) || null })),',
				'} }];',
			].join('\n'),
		),
	);
	f.connect(open, withFamily);
	f.connect(withFamily, familyConsent, 0);
	f.connect(withFamily, create, 1);
	f.chain(familyConsent, create, people, invite, summary);
	// A blocked or failed invite must not stop the others.
	f.nodes.find((n) => n.name === invite)!.onError = 'continueRegularOutput';

	// Post the care plan document to the group.
	const plan = webhook(f, 'Post care plan', [X(0), 620], 'clinic-care-team-plan', 'lastNode');
	const postPlan = f.add(
		'Send care plan',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(1), 620],
		{
			operation: 'media',
			sendTo: 'group',
			groupId: '={{ $json.body.groupId }}',
			mediaType: 'document',
			mediaSource: 'link',
			mediaLink: '={{ $json.body.carePlanUrl }}',
			caption: inLanguage(NODE_TEXTS.care_plan_caption),
			filename: `={{ $json.body.fileName || 'care-plan.pdf' }}`,
			auditToStore: true,
			auditPurpose: AUDIT_PURPOSE,
			options: {},
		},
		{ credentials: { ...CRED.whatsApp, ...CRED.store } },
	);
	f.chain(plan, postPlan);

	// Close: goodbye message, delete the group, audit entry.
	const close = webhook(f, 'Close care team', [X(0), 860], 'clinic-care-team-close', 'lastNode');
	const goodbye = f.add(
		'Say goodbye',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(1), 860],
		{
			operation: 'text',
			sendTo: 'group',
			groupId: '={{ $json.body.groupId }}',
			text: inLanguage(NODE_TEXTS.care_group_goodbye),
			auditToStore: true,
			auditPurpose: AUDIT_PURPOSE,
			options: {},
		},
		{ credentials: { ...CRED.whatsApp, ...CRED.store }, onError: 'continueRegularOutput' },
	);
	const remove = groupNode(f, 'Delete group', [X(2), 860], {
		operation: 'delete',
		groupId: `={{ $('Close care team').item.json.body.groupId }}`,
	});
	const closed = audit(f, 'Audit group closed', [X(3), 860], AUDIT_PURPOSE, {
		direction: 'system',
		includeContent: false,
		fields: {
			event: 'care_team_group.closed',
			details: '={{ JSON.stringify({ groupId: $json.groupId, deleted: $json.deleted }) }}',
		},
	});
	f.chain(close, goodbye, remove, closed);
	return f;
}
