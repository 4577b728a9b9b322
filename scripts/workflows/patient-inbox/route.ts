/**
 * The inbox's Conversation node (Clinic Conversation · Answer Message) and what each of its outputs' branches is
 * given. The node decides an action per message and sends the item out of that action's named output, where the
 * branch starts; each branch gets its own canvas row to the right of the node.
 */
import { ANSWER_OUTPUTS, type AnswerOutput } from '../../../core/conversation/types';
import { type Flow, X } from '../flow';

/** What a branch builder gets: the flow, a way to hang its first node on an output, and its own canvas row. */
export interface InboxBranch {
	f: Flow;
	/** Connects the Conversation node's output `output` to `node`. */
	from(output: AnswerOutput, node: string): void;
	/** Canvas y of the next branch row (rows are ROW px apart, from the top of the intake). */
	row(): number;
}

/** Vertical distance between branch rows (a node and its label are 140 px tall). */
export const ROW = 160;
/** The first branch column (the Conversation node is in column 5). */
export const BRANCH = (i: number) => X(6 + i);

export function inboxBranch(f: Flow, conversation: string, firstRow: number): InboxBranch {
	let y = firstRow - ROW;
	return {
		f,
		from: (output, node) =>
			f.connect(
				conversation,
				node,
				ANSWER_OUTPUTS.findIndex((o) => o.name === output),
			),
		row: () => (y += ROW),
	};
}

/** The conversation item (the Conversation node's output), from any node after it. */
export const CONVERSATION = `$('Conversation').item.json`;

/** The patient of the conversation, from any node after Conversation (whose item carries `recipient`). */
export const CONVERSATION_RECIPIENT = `={{ ${CONVERSATION}.recipient }}`;

/** The recipient of the item itself (the Conversation node's output, before other nodes replace the item). */
export const ITEM_RECIPIENT = '={{ $json.recipient }}';

/** A text of the table in the patient's language, from any node after Conversation. */
export const text = (key: string) => `={{ ${CONVERSATION}.texts.${key} }}`;
