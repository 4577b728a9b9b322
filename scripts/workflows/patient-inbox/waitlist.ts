/**
 * Patient inbox · hand-overs to workflow 08 (Waitlist backfill). A number has one webhook, so a waitlist offer's
 * "Quero este horário" tap arrives here: it is posted to 08's *Tap from workflow 01* webhook, where Claim Offer books
 * it and answers. A time this workflow frees (a reminder's Cancel, a Reschedule's old time) is posted to 08's *Slot
 * freed* webhook, which offers it to the waitlist. Both are webhooks of workflow 08 in this same n8n, found like the
 * staff desk (04), so 08 stays a workflow of its own that another inbox can post to as well.
 */
import { CLAIM_PAYLOAD_PREFIX } from '../../../core/waitlist/types';
import type { Flow, Position } from '../flow';
import { switchNode } from '../nodes';
import { CLAIM_PATH, FREED_PATH } from '../waitlist-backfill';

/** The URL of one of workflow 08's webhooks in this n8n (the same base as this execution's resume URL). */
const webhookOf08 = (path: string) =>
	`={{ $execution.resumeUrl.replace(/webhook-waiting\\/.*$/, 'webhook/${path}') }}`;

/** POST `jsonBody` (an expression) to workflow 08's webhook `path`. */
const postTo08 = (f: Flow, name: string, pos: Position, path: string, jsonBody: string) =>
	f.add(name, 'n8n-nodes-base.httpRequest', 4.2, pos, {
		method: 'POST',
		url: webhookOf08(path),
		sendBody: true,
		specifyBody: 'json',
		jsonBody,
		options: {},
	});

/**
 * "Take this time?": a tap on a waitlist offer (payload WAITLIST_CLAIM:…) leaves by output 0 to *Claim in workflow
 * 08* (only the sender and the payload are sent on); every other message by output 1, on to the conversation.
 */
export function claimTapRouting(f: Flow, pos: Position, forwardPos: Position): string {
	const isClaim = switchNode(
		f,
		'Take this time?',
		pos,
		`String($json.button?.payload ?? '').startsWith('${CLAIM_PAYLOAD_PREFIX}') ? 0 : 1`,
		2,
	);
	const forward = postTo08(
		f,
		'Claim in workflow 08',
		forwardPos,
		CLAIM_PATH,
		'={{ JSON.stringify({ event: $json.event, from: $json.from, userId: $json.userId, button: { payload: $json.button.payload } }) }}',
	);
	f.connect(isClaim, forward, 0);
	return isClaim;
}

/**
 * The output item of Cancel or Reschedule, posted to workflow 08's *Slot freed*: the freed time is offered to the
 * waitlist there (a Cancel or Reschedule that changed nothing frees nothing: 08 offers nothing).
 */
export const offerFreedTime = (f: Flow, name: string, pos: Position) =>
	postTo08(f, name, pos, FREED_PATH, '={{ JSON.stringify($json) }}');
