/**
 * Get Conversation: each patient's conversation (step, answers) and language, added to the item: `language`,
 * `locale`, `templateLanguage` (e.g. `appointment_reminder|{{ $json.templateLanguage }}` sends a reminder in the
 * patient's language), optionally one text of the table as `text`. One store read for all items.
 */
import type { INodeProperties } from 'n8n-workflow';

import { patientKey } from '../../../core/conversation';
import { addTextFields, patientField } from './fields';
import { patientOperation } from './patient-items';

export const description: INodeProperties[] = [patientField(['getState']), ...addTextFields(['getState'])];

export const execute = patientOperation(
	(ctx, i) => ({ patient: patientKey(ctx.getNodeParameter('patient', i), 'Patient') }),
	async (service, patients, settings) => await service.get(patients, settings),
);
