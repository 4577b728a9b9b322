/** Patient inbox · the lab report, sent once the patient's date of birth matches (workflow 03 asked for it). */
import { CRED, PKG, X } from '../flow';
import { audit, saveConversation, sendText, switchNode } from '../nodes';
import { type InboxBranch, ITEM_RECIPIENT } from './route';

const wa = CRED.whatsApp;

/** 9 lab_dob: the report after the patient's date of birth matches (workflow 03 stored its hash). */
export function labReportBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const dobOk = switchNode(
		f,
		'Date of birth matches?',
		[X(7), y],
		`($json.candidateDob + '|' + $json.patient).hash('sha256') === $json.context.dobHash ? 0 : 1`,
		2,
	);
	const pdf = f.add(
		'Send results PDF',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(8), y - 60],
		{
			operation: 'media',
			recipient: ITEM_RECIPIENT,
			mediaType: 'document',
			mediaSource: 'link',
			mediaLink: '={{ $json.context.reportUrl }}',
			caption: 'Your lab results. Reply here if you have a question for our nurse.',
			filename: '={{ $json.context.reportName || "lab-results.pdf" }}',
			options: {},
		},
		{ credentials: wa },
	);
	const labSent = f.add(
		'Remember results sent',
		'n8n-nodes-base.dataTable',
		1.1,
		[X(10), y - 60],
		saveConversation(`$('Conversation').item.json.patient`, `'lab_sent'`, `'{}'`),
	);
	const dobBad = sendText(
		f,
		'Ask date of birth again',
		[X(8), y + 80],
		ITEM_RECIPIENT,
		'That date of birth does not match our records. Please type it again as DD/MM/YYYY.',
	);
	b.from('lab_dob', dobOk);
	f.connect(dobOk, pdf, 0);
	const auditPdf = audit(f, 'Audit results delivery', [X(9), y - 60], 'lab_results');
	f.connect(pdf, auditPdf);
	f.connect(auditPdf, labSent);
	f.connect(dobOk, dobBad, 1);
}
