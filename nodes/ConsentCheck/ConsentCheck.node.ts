import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as check from './actions/check.operation';
import * as detectKeywords from './actions/detectKeywords.operation';
import * as getHistory from './actions/getHistory.operation';
import * as record from './actions/record.operation';
import { router } from './actions/router';
import { clinicStoreCredential } from '../shared/store';
import { clinicStoreConnectionTest } from './methods';

export class ConsentCheck implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Consent Check',
		name: 'consentCheck',
		icon: { light: 'file:consentCheck.svg', dark: 'file:consentCheck.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"check":"Check","recordOptIn":"Record Opt-in","recordOptOut":"Record Opt-out","detectKeywords":"Detect Keywords","getHistory":"Get History"}[$parameter["operation"]] }}',
		description:
			"Check a patient's consent per purpose before sending (Allowed / Blocked outputs), record opt-ins and opt-outs with evidence, detect STOP/PARAR/BAJA replies, and export the consent history as FHIR",
		defaults: { name: 'Consent Check' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["operation"] === "check" ? [{ "type": "main", "displayName": "Allowed" }, { "type": "main", "displayName": "Blocked" }] : [{ "type": "main" }] }}`,
		credentials: [{ ...clinicStoreCredential, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'check',
				options: [
					{
						name: 'Check',
						value: 'check',
						action: 'Check consent before sending',
						description: 'Route each patient to Allowed or Blocked for one purpose',
					},
					{
						name: 'Detect Keywords',
						value: 'detectKeywords',
						action: 'Detect opt out and opt in keywords',
						description:
							'Record STOP / PARAR / BAJA / START… from incoming messages and prepare the confirmation reply',
					},
					{
						name: 'Get History',
						value: 'getHistory',
						action: 'Get consent history',
						description: "A patient's consent timeline, also as FHIR R4 Consent resources",
					},
					{
						name: 'Record Opt-In',
						value: 'recordOptIn',
						action: 'Record an opt in',
						description: 'Store that the patient agreed to receive messages for some purposes',
					},
					{
						name: 'Record Opt-Out',
						value: 'recordOptOut',
						action: 'Record an opt out',
						description: 'Store that the patient no longer wants messages for some or all purposes',
					},
				],
			},
			...check.description,
			...record.description,
			...detectKeywords.description,
			...getHistory.description,
		],
	};

	methods = { credentialTest: { clinicStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
