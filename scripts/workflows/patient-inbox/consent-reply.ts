/**
 * Patient inbox · the confirmation of an opt-out / opt-in that Consent Check · Detect Keywords recorded, written
 * from the Conversation node's Texts (consent_opt_out / consent_opt_in) in the patient's language.
 */
import { audit, sendText } from '../nodes';
import { BRANCH, type InboxBranch, ITEM_RECIPIENT } from './route';

/** Consent Reply: send the confirmation to whom Detect Keywords says, audited under consent. */
export function consentReplyBranch(b: InboxBranch): void {
	const f = b.f;
	const y = b.row();
	const reply = sendText(f, 'Confirm consent change', [BRANCH(0), y], ITEM_RECIPIENT, '={{ $json.reply }}');
	b.from('Consent Reply', reply);
	f.connect(reply, audit(f, 'Audit consent reply', [BRANCH(1), y], 'consent'));
}
