/**
 * Set Conversation: puts each patient on a step, e.g. `lab_dob` (waiting for the date of birth that unlocks a lab
 * report, with the report's link and a hash of the expected date as context) or `idle` (a nurse closed the
 * handoff: back to the bot). The patient's language is kept; the item gets it like Get Conversation does.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { type StateUpdate, patientKey } from '../../../core/conversation';
import { ClinicError } from '../../../core/errors';
import { addTextFields, patientField } from './fields';
import { patientOperation } from './patient-items';
import { readHours } from './settings';

const show = { operation: ['setState'] };

export const description: INodeProperties[] = [
	patientField(['setState']),
	{
		displayName: 'Step',
		name: 'step',
		type: 'options',
		default: 'idle',
		description: 'Where the patient’s next message is taken up',
		options: [
			{
				name: 'Back to the Menu (Idle)',
				value: 'idle',
				description: 'The next message is answered from the start',
			},
			{
				name: 'Waiting for Lab Date of Birth',
				value: 'lab_dob',
				description:
					'The next message is the date of birth that unlocks a lab report (Lab Date of Birth output)',
			},
			{ name: 'With Staff', value: 'with_staff', description: 'Every message goes to the Staff output' },
		],
		displayOptions: { show },
	},
	{
		displayName: 'Context',
		name: 'context',
		type: 'json',
		default: '',
		description:
			'What the step needs, as an object expression (e.g. the report link and a hash of the expected date of birth for lab_dob); empty keeps the current context. Stored encrypted.',
		displayOptions: { show },
	},
	{
		displayName: 'Keep For (Hours)',
		name: 'keepHours',
		type: 'number',
		default: 24,
		typeOptions: { minValue: 0.02 },
		description: 'How long the conversation is kept without a message from the patient (e.g. 168 for a week)',
		displayOptions: { show },
	},
	...addTextFields(['setState']),
];

function readContext(ctx: IExecuteFunctions, itemIndex: number): Record<string, unknown> | undefined {
	let raw = ctx.getNodeParameter('context', itemIndex, '') as unknown;
	if (raw === '' || raw === null || raw === undefined) return undefined;
	if (typeof raw === 'string') {
		try {
			raw = JSON.parse(raw);
		} catch {
			raw = null;
		}
	}
	if (!raw || typeof raw !== 'object' || Array.isArray(raw))
		throw new ClinicError('Context: must be an object, e.g. {{ { reportUrl: $json.reportUrl } }}', {
			code: 'invalid_input',
			field: 'Context',
			hint: 'Give an object, or leave Context empty to keep the patient’s current context.',
		});
	return raw as Record<string, unknown>;
}

export const execute = patientOperation(
	(ctx, i): StateUpdate => ({
		patient: patientKey(ctx.getNodeParameter('patient', i), 'Patient'),
		step: String(ctx.getNodeParameter('step', i, 'idle')),
		context: readContext(ctx, i),
		keepMs: readHours(ctx, 'keepHours', 'Keep For (Hours)', i),
	}),
	async (service, updates, settings) => await service.set(updates, settings),
);
