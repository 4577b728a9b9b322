/**
 * The inbox's Route switch and what each of its branches is given. conversation.js decides an `action` per
 * message; Route sends the item to output `ACTIONS.indexOf(action)`, where that action's branch starts.
 */
import type { Flow } from '../flow';

export const ACTIONS = [
	'reply',
	'menu',
	'slots',
	'book',
	'reschedule',
	'confirm',
	'cancel',
	'nurse',
	'to_staff',
	'lab_dob',
	'csat',
	'ignore', // no branch: nothing to answer
] as const;

export type Action = (typeof ACTIONS)[number];

/** What a branch builder gets: the flow, a way to hang its first node on Route, and its own canvas row. */
export interface InboxBranch {
	f: Flow;
	/** Connects Route's output for `action` to `node`. */
	from(action: Action, node: string): void;
	/** Canvas y of the next branch row (rows are 180 px apart, below the intake nodes). */
	row(): number;
}

export function inboxBranch(f: Flow, route: string): InboxBranch {
	let y = 300;
	return {
		f,
		from: (action, node) => f.connect(route, node, ACTIONS.indexOf(action)),
		row: () => (y += 180),
	};
}

/** The patient of the conversation, from any node after Conversation (whose item carries `recipient`). */
export const CONVERSATION_RECIPIENT = `={{ $('Conversation').item.json.recipient }}`;

/** The recipient of the item itself (the Conversation node's output, before other nodes replace the item). */
export const ITEM_RECIPIENT = '={{ $json.recipient }}';
