/**
 * Get Conversation: each patient's conversation (step, answers) and language, added to the item: `language`,
 * `locale`, `templateLanguage` (e.g. `appointment_reminder|{{ $json.templateLanguage }}` sends a reminder in the
 * patient's language), optionally one text of the table as `text`. One store read for all items.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { type ConversationService, patientKey } from '../../../core/conversation';
import { addTextFields, patientField } from './fields';
import { patientItems } from './patient-items';
import { readLanguageSettings, readTexts } from './settings';

export const description: INodeProperties[] = [patientField(['getState']), ...addTextFields(['getState'])];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	service: ConversationService,
): Promise<INodeExecutionData[][]> {
	const settings = readLanguageSettings(this);
	return await patientItems(
		this,
		items,
		readTexts(this, settings),
		(i) => ({ patient: patientKey(this.getNodeParameter('patient', i), 'Patient') }),
		async (patients) => await service.get(patients, settings),
	);
}
