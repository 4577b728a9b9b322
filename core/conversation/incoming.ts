/**
 * The message a WhatsApp Clinic Trigger item carries, as the conversation reads it (after Consent Check · Detect
 * Keywords, whose `consentKeyword` says a recorded opt-out / opt-in). A tapped button or list row is not typed
 * text: its caption is ignored, only its payload / id counts. Items that are not messages (statuses…) and messages
 * written in a care team group (`groupId`: for the care team, workflow 07, not for the bot) give null, except an
 * opt-out / opt-in recorded from one (STOP / PARAR in a group): its confirmation goes to the writer, one to one.
 */
import type { IncomingMessage } from './types';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function incomingMessage(json: Json): IncomingMessage | null {
	if (json.event !== undefined && json.event !== 'message') return null;
	if (str(json.groupId) && !obj(json.consentKeyword)) return null;
	const button = obj(json.button);
	const interactive = obj(json.interactive);
	const listId = str(obj(interactive?.listReply)?.id);
	const payload = str(button?.payload) ?? str(obj(interactive?.buttonReply)?.id);
	const tapped =
		json.type === 'button' || json.type === 'interactive' || button !== null || interactive !== null;
	const keyword = obj(json.consentKeyword);
	const action = keyword?.action;
	return {
		from: str(json.from),
		userId: str(json.userId),
		profileName: str(json.profileName),
		messageId: str(json.messageId),
		type: str(json.type),
		text: tapped ? null : str(json.text),
		payload,
		listId,
		consent:
			action === 'opt_out' || action === 'opt_in'
				? { action, language: str(keyword?.language), replyTo: str(keyword?.replyTo) }
				: null,
	};
}
