import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { clinicStoreConnectionTest, clinicStoreCredential } from '../shared/store';
import * as book from './actions/book.operation';
import * as cancel from './actions/cancel.operation';
import { backendProperties } from './actions/backend-fields';
import * as findSlots from './actions/findSlots.operation';
import * as listAppointments from './actions/listAppointments.operation';
import * as reschedule from './actions/reschedule.operation';
import { router } from './actions/router';
import * as updateStatus from './actions/updateStatus.operation';
import { waitlistProperties } from './actions/waitlist-properties';
import { getPractitioners, getServices } from './methods/loadOptions';

export class AppointmentSlotLookup implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Appointment Slot Lookup',
		name: 'appointmentSlotLookup',
		icon: { light: 'file:appointmentSlotLookup.svg', dark: 'file:appointmentSlotLookup.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"findSlots":"Find Free Slots","book":"Book","cancel":"Cancel","reschedule":"Reschedule","listAppointments":"List Appointments","updateStatus":"Update Status","joinWaitlist":"Join Waitlist","leaveWaitlist":"Leave Waitlist","listWaitlist":"List Waitlist","offerFreedSlot":"Offer Freed Slot","claimOffer":"Claim Offer","findFreedSlots":"Find Freed Slots"}[$parameter["operation"]] + " · " + {"builtin":"Built-in","fhir":"FHIR","calcom":"Cal.com"}[$parameter["backend"]] }}',
		description:
			'Real-time free slots, booking and a waitlist that refills freed slots, for WhatsApp patients: built-in clinic scheduler, FHIR R4 server or Cal.com',
		defaults: { name: 'Appointment Slot Lookup' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// Needed by the built-in scheduler and by every Waitlist operation (any scheduling system). n8n cannot show a
			// credential when either of two parameters is set, so it is always offered; a missing one is a clear error.
			{ ...clinicStoreCredential, required: false },
			{ name: 'fhirServerApi', required: true, displayOptions: { show: { backend: ['fhir'] } } },
			{ name: 'calComApi', required: true, displayOptions: { show: { backend: ['calcom'] } } },
		],
		properties: [
			{
				displayName: 'Scheduling System',
				name: 'backend',
				type: 'options',
				noDataExpression: true,
				default: 'builtin',
				options: [
					{
						name: 'Built-in Scheduler',
						value: 'builtin',
						description: 'Clinic rules in this node; bookings kept in the Clinic Store',
					},
					{
						name: 'FHIR R4 Server',
						value: 'fhir',
						description: 'Schedule / Slot / Appointment on the clinic’s FHIR server',
					},
					{ name: 'Cal.com', value: 'calcom', description: 'A Cal.com event type (API v2)' },
				],
				description: 'Where appointments live',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'appointment',
				options: [
					{ name: 'Appointment', value: 'appointment', description: 'Free slots and appointments' },
					{
						name: 'Waitlist',
						value: 'waitlist',
						description: 'Patients waiting for an earlier time; freed slots offered to them',
					},
				],
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'findSlots',
				displayOptions: { show: { resource: ['appointment'] } },
				options: [
					{ name: 'Book', value: 'book', action: 'Book a slot', description: 'Book a slot ID for a patient' },
					{
						name: 'Cancel',
						value: 'cancel',
						action: 'Cancel an appointment',
						description: 'Cancel and free the slot',
					},
					{
						name: 'Find Free Slots',
						value: 'findSlots',
						action: 'Find free slots',
						description: 'Real availability, as items or a ready WhatsApp list',
					},
					{
						name: 'List Appointments',
						value: 'listAppointments',
						action: 'List appointments',
						description: 'Appointments in a time window with the patient contact (for reminders)',
					},
					{
						name: 'Reschedule',
						value: 'reschedule',
						action: 'Reschedule an appointment',
						description: 'Move an appointment to another free slot',
					},
					{
						name: 'Update Status',
						value: 'updateStatus',
						action: 'Update an appointment status',
						description: 'Confirmed, arrived, no-show or fulfilled',
					},
				],
			},
			...backendProperties,
			...findSlots.description,
			...book.description,
			...cancel.description,
			...reschedule.description,
			...listAppointments.description,
			...updateStatus.description,
			...waitlistProperties,
			{
				displayName: 'Language',
				name: 'locale',
				type: 'options',
				default: 'pt-BR',
				description: 'Language of slot labels, WhatsApp list texts and the answer to a claimed offer',
				options: [
					{ name: 'English', value: 'en' },
					{ name: 'Português (Brasil)', value: 'pt-BR' },
					{ name: 'Español', value: 'es' },
				],
				displayOptions: {
					show: {
						operation: [
							'findSlots',
							'book',
							'reschedule',
							'listAppointments',
							'offerFreedSlot',
							'claimOffer',
						],
					},
				},
			},
		],
	};

	methods = { credentialTest: { clinicStoreConnectionTest }, loadOptions: { getServices, getPractitioners } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
