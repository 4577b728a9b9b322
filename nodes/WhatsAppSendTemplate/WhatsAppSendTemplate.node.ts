import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchTemplates } from './methods/listSearch';
import { getTemplateVariables } from './methods/loadOptions';
import { getTemplateParameters } from './methods/resourceMapping';
import { description as templateProperties } from './actions/fields';
import { router } from './actions/router';
import { sendAuditProperties } from '../shared/audit-option';
import { sendConsentProperties } from '../shared/consent-option';
import { clinicStoreConnectionTest } from '../shared/store';

export class WhatsAppSendTemplate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Send Template',
		name: 'whatsAppSendTemplate',
		icon: { light: 'file:whatsAppSendTemplate.svg', dark: 'file:whatsAppSendTemplate.dark.svg' },
		group: ['output'],
		version: 1,
		// A resource locator's value ("appointment_reminder|pt_BR"), unresolved: a template chosen by an expression
		// ('appointment_reminder|' + $json.templateLanguage) shows the name it names instead of failing in the editor.
		subtitle:
			'={{ "Template: " + (String($rawParameter["template"] || "").startsWith("=") ? (String($rawParameter["template"]).match(/[\'"]([a-z0-9_]+)[|\'"]/) || [null, "(from an expression)"])[1] : String($rawParameter["template"] || "").split("|")[0].trim() || "(none chosen)") }}',
		description:
			'Send an approved WhatsApp template (reminders, results notices, follow-ups): the only message allowed outside the 24-hour window',
		defaults: { name: 'WhatsApp Send Template' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'whatsAppClinicApi', required: true },
			// Optional: read only by "Require Consent for Purpose" and "Audit to Store" (n8n cannot show a credential
			// when either of two parameters is set, so it is always offered).
			{ name: 'clinicStoreApi', required: false, testedBy: 'clinicStoreConnectionTest' },
		],
		properties: [...templateProperties, ...sendConsentProperties(), ...sendAuditProperties()],
	};

	methods = {
		listSearch: { searchTemplates },
		loadOptions: { getTemplateVariables },
		resourceMapping: { getTemplateParameters },
		credentialTest: { clinicStoreConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
