/**
 * Answer Message: on WhatsApp Clinic Trigger message items (after Consent Check · Detect Keywords), decides what the
 * bot does with each message (core/conversation/decide.ts), in the patient's language, remembers where each patient
 * is in the clinic store, and sends each item out of the output named after the decision. The texts are already
 * written: `reply` (and `buttons[].title`) go straight into a Send Message node.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	ANSWER_OUTPUTS,
	type ConversationService,
	DEFAULT_NURSE_WORDS,
	DEFAULT_QUESTIONS,
	DEFAULT_RESTART_WORDS,
	VALIDATORS,
	VALIDATOR_NAMES,
	answerJson,
	type IncomingMessage,
	incomingMessage,
} from '../../../core/conversation';
import { failItem } from '../../shared/items';
import { readHours, readLanguageSettings, readScript } from './settings';

export { ANSWER_OUTPUTS };

const show = { operation: ['answer'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Each message leaves by one output: Reply (send `reply`), Buttons (send `reply` with `buttons`), Free Times (find and list free times), Book / Reschedule (the tapped `slotId`), Confirm / Cancel (the reminder’s `appointmentId`), Staff (nurse handoff: `handoff` new or message), Lab Date of Birth (`candidateDob`), Survey Answer (`rating`), Consent Reply (`reply` confirming an opt-out / opt-in).',
		name: 'answerNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Questions',
		name: 'questions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Question',
		default: { question: DEFAULT_QUESTIONS.map((q) => ({ ...q })) },
		description:
			'What the bot asks before showing free times, in this order. Each answer is checked; a wrong one is asked again with the retry text.',
		displayOptions: { show },
		options: [
			{
				displayName: 'Question',
				name: 'question',
				values: [
					{
						displayName: 'Answer Name',
						name: 'field',
						type: 'string',
						default: '',
						placeholder: 'email',
						description:
							'Where the answer is kept: context.name-you-give; all but the name also go into answersText, for the booking notes',
					},
					{
						displayName: 'Check Answer With',
						name: 'validator',
						type: 'options',
						default: 'text',
						options: VALIDATOR_NAMES.map((value) => ({
							name: VALIDATORS[value].label,
							value,
							description: VALIDATORS[value].description,
						})),
					},
					{
						displayName: 'Question Text',
						name: 'ask',
						type: 'string',
						default: '',
						placeholder: 'ask_email',
						description:
							'Name of the text that asks it, in Texts (empty: ask_ followed by the Answer Name). It may use {firstName} and earlier answers, e.g. {insurance}.',
					},
					{
						displayName: 'Retry Text',
						name: 'retry',
						type: 'string',
						default: '',
						placeholder: 'retry_email',
						description: 'Name of the text sent when the answer is not valid (empty: the validator’s own)',
					},
				],
			},
		],
	},
	{
		displayName: 'Forget Conversation After (Hours)',
		name: 'idleHours',
		type: 'number',
		default: 24,
		typeOptions: { minValue: 0.02 },
		description:
			'A patient who writes nothing for this long starts over (their half-given answers are deleted from the clinic store)',
		displayOptions: { show },
	},
];

/** The Options entries only Answer Message uses. */
export const answerOptions: INodeProperties[] = [
	{
		displayName: 'Nurse Words',
		name: 'nurseWords',
		type: 'string',
		default: DEFAULT_NURSE_WORDS.join(', '),
		description: 'Comma-separated; a message containing one of them hands the patient to a nurse',
		displayOptions: { show: { '/operation': ['answer'] } },
	},
	{
		displayName: 'Back-to-Menu Words',
		name: 'restartWords',
		type: 'string',
		default: DEFAULT_RESTART_WORDS.join(', '),
		description: 'Comma-separated; a message that is exactly one of them shows the menu again',
		displayOptions: { show: { '/operation': ['answer'] } },
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	service: ConversationService,
): Promise<INodeExecutionData[][]> {
	const languageSettings = readLanguageSettings(this);
	const { script, table } = readScript(this, languageSettings);
	const idleMs = readHours(this, 'idleHours', 'Forget Conversation After (Hours)', 0);
	const outputs: INodeExecutionData[][] = ANSWER_OUTPUTS.map(() => []);
	const messages: IncomingMessage[] = [];
	const indexes: number[] = [];
	items.forEach((item, i) => {
		const message = incomingMessage(item.json);
		if (message) {
			messages.push(message);
			indexes.push(i);
		}
	});
	const answers = await service.answer(messages, { ...languageSettings, script, idleMs });
	answers.forEach((answer, k) => {
		const itemIndex = indexes[k];
		if (answer instanceof Error) {
			outputs[0].push(failItem(this, answer, itemIndex, items[itemIndex].json));
			return;
		}
		const output = ANSWER_OUTPUTS.findIndex((o) => o.action === answer.decision.action);
		if (output < 0) return; // ignored: nothing to answer
		outputs[output].push({
			json: answerJson(answer, script, table) as IDataObject,
			pairedItem: { item: itemIndex },
		});
	});
	return outputs;
}
