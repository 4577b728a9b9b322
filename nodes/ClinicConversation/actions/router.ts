/**
 * Clinic Conversation's operations on the shared router contract (nodes/shared/router.ts): `open` builds the
 * execution's ConversationService over the clinic store (the conversation table comes with the store's
 * migrations: nothing to create by hand). Store failures and settings errors leave through nodes/shared/errors.ts.
 */
import { ConversationService, SqlConversationRepository } from '../../../core/conversation';
import { getClinicStore } from '../../shared/store';
import { createRouter } from '../../shared/router';
import * as answer from './answer.operation';
import * as getState from './getState.operation';
import * as setState from './setState.operation';

export type ConversationOperation = 'answer' | 'getState' | 'setState';

export const router = createRouter<ConversationService, ConversationOperation>({
	open: async (ctx) => new ConversationService(new SqlConversationRepository(await getClinicStore(ctx))),
	operations: {
		answer: answer.execute,
		getState: getState.execute,
		setState: setState.execute,
	},
});
