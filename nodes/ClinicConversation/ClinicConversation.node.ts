import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as answer from './actions/answer.operation';
import { clinicLanguageField, languageOptions, textsField } from './actions/fields';
import * as getState from './actions/getState.operation';
import { router } from './actions/router';
import * as setState from './actions/setState.operation';
import { clinicStoreConnectionTest } from '../shared/store';

const answerOutputs = JSON.stringify(
	answer.ANSWER_OUTPUTS.map((o) => ({ type: 'main', displayName: o.name })),
);

export class ClinicConversation implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Clinic Conversation',
		name: 'clinicConversation',
		icon: { light: 'file:clinicConversation.svg', dark: 'file:clinicConversation.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"answer":"Answer Message","getState":"Get Conversation","setState":"Set Conversation: " + $parameter["step"]}[$parameter["operation"]] }}',
		description:
			"The booking bot's conversation without code: answers each patient message in the patient's language (Portuguese, Spanish, English), asks the questions you list with named validators, remembers each patient in the clinic store and routes each message to its own output",
		defaults: { name: 'Clinic Conversation' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["operation"] === "answer" ? ${answerOutputs} : [{ "type": "main" }] }}`,
		credentials: [{ name: 'clinicStoreApi', required: true, testedBy: 'clinicStoreConnectionTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'answer',
				options: [
					{
						name: 'Answer Message',
						value: 'answer',
						action: 'Answer a patient message',
						description:
							'Decide what the bot says to each message (after Consent Check · Detect Keywords) and route it to its output',
					},
					{
						name: 'Get Conversation',
						value: 'getState',
						action: 'Get a patient conversation',
						description:
							"Add each patient's step, answers and language to the item (e.g. to send a template in their language)",
					},
					{
						name: 'Set Conversation',
						value: 'setState',
						action: 'Set a patient conversation',
						description:
							'Put patients on a step: waiting for a lab date of birth, with staff, or back to the menu',
					},
				],
			},
			...answer.description,
			...getState.description,
			...setState.description,
			clinicLanguageField,
			textsField,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [...languageOptions, ...answer.answerOptions],
			},
		],
	};

	methods = { credentialTest: { clinicStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
