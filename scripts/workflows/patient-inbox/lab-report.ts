/** Patient inbox · the lab report, sent once the patient's date of birth matches (workflow 03 asked for it). */
import { CRED, PKG } from '../flow';
import { audit, sendText, setConversation, switchNode } from '../nodes';
import { BRANCH, CONVERSATION, type InboxBranch, ITEM_RECIPIENT } from './route';

const wa = CRED.whatsApp;

/** Lab Date of Birth: the report after the patient's date of birth matches (workflow 03 stored its hash). */
export function labReportBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const yBad = b.row();
	const dobOk = switchNode(
		f,
		'Date of birth matches?',
		[BRANCH(0), y],
		`($json.candidateDob + '|' + $json.patient).hash('sha256') === $json.context.dobHash ? 0 : 1`,
		2,
	);
	const pdf = f.add(
		'Send results PDF',
		`${PKG}.whatsAppSendMessage`,
		1,
		[BRANCH(1), y],
		{
			operation: 'media',
			recipient: ITEM_RECIPIENT,
			mediaType: 'document',
			mediaSource: 'link',
			mediaLink: '={{ $json.context.reportUrl }}',
			caption: '={{ $json.texts.lab_caption }}',
			filename: '={{ $json.context.reportName || "lab-results.pdf" }}',
			options: {},
		},
		{ credentials: wa },
	);
	const labSent = setConversation(
		f,
		'Remember results sent',
		[BRANCH(3), y],
		`${CONVERSATION}.patient`,
		'lab_sent',
		{
			context: '={{ {} }}',
			keepHours: 168,
		},
	);
	const dobBad = sendText(
		f,
		'Ask date of birth again',
		[BRANCH(1), yBad],
		ITEM_RECIPIENT,
		'={{ $json.texts.lab_dob_mismatch }}',
	);
	b.from('Lab Date of Birth', dobOk);
	f.connect(dobOk, pdf, 0);
	const auditPdf = audit(f, 'Audit results delivery', [BRANCH(2), y], 'lab_results');
	f.connect(pdf, auditPdf);
	f.connect(auditPdf, labSent);
	f.connect(dobOk, dobBad, 1);
}
