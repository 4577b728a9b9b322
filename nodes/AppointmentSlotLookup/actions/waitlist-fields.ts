/** Fields several Waitlist operations share: the patient's WhatsApp number and name, practitioner and service. */
import type { INodeProperties } from 'n8n-workflow';

export const WAITLIST_OPERATIONS = [
	'joinWaitlist',
	'leaveWaitlist',
	'listWaitlist',
	'offerFreedSlot',
	'claimOffer',
	'findFreedSlots',
] as const;
export type WaitlistOperation = (typeof WAITLIST_OPERATIONS)[number];

const on = (operations: WaitlistOperation[]) => ({ show: { resource: ['waitlist'], operation: operations } });

export const waitlistPatientPhone = (
	operations: WaitlistOperation[],
	description: string,
): INodeProperties => ({
	displayName: 'Patient Phone',
	name: 'waitlistPatientPhone',
	type: 'string',
	default: '',
	placeholder: '+5511999990000',
	description,
	hint: 'From the WhatsApp Clinic Trigger: {{ $json.from }}',
	displayOptions: on(operations),
});

export const waitlistWho = (operations: WaitlistOperation[], verb: string): INodeProperties[] => [
	{
		displayName: 'Practitioner ID',
		name: 'waitlistPractitionerId',
		type: 'string',
		default: '',
		placeholder: 'dra-ana',
		description: `${verb} this practitioner only (built-in ID, FHIR Practitioner ID); empty = any practitioner`,
		displayOptions: on(operations),
	},
	{
		displayName: 'Service ID',
		name: 'waitlistServiceId',
		type: 'string',
		default: '',
		placeholder: 'consulta',
		description: `${verb} this service only (built-in service ID, FHIR service type code); empty = any service`,
		displayOptions: on(operations),
	},
];

export { on as waitlistShow };
