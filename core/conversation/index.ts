/** The bot's conversation, n8n-free: state machine, named validators, script, state store (memory and SQL). */
export { LANGUAGE_BUTTONS, MENU_BUTTONS, answerVariables, decide } from './decide';
export { incomingMessage } from './incoming';
export { answerJson, answersText, conversationJson, languageFields } from './output';
export { MemoryConversationRepository } from './repositories/memory';
export type { ConversationRepository } from './repositories/port';
export { SqlConversationRepository } from './repositories/sql';
export { CONVERSATION_LOCK_KEY, CONVERSATION_MIGRATIONS } from './schema';
export {
	DEFAULT_NURSE_WORDS,
	DEFAULT_QUESTIONS,
	DEFAULT_RESTART_WORDS,
	type Question,
	type Script,
	type ScriptInput,
	askStep,
	buildScript,
	nextQuestion,
} from './script';
export {
	type Answer,
	type ConversationSettings,
	ConversationService,
	type LanguageSettings,
	type PatientConversation,
	type StateUpdate,
	patientKey,
} from './service';
export {
	ANSWER_OUTPUTS,
	type Action,
	type AnswerOutput,
	type ConversationState,
	type Decision,
	IDLE,
	type IncomingMessage,
	type StoredConversation,
	emptyState,
} from './types';
export {
	VALIDATORS,
	VALIDATOR_NAMES,
	type Validator,
	type ValidatorName,
	isValidatorName,
	validDateOfBirth,
	validEmail,
	validInsurance,
	validName,
	validText,
} from './validators';
