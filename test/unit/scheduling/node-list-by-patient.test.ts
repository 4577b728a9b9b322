/**
 * Appointment Slot Lookup node, List Appointments: the patient filter fields reach each backend, and a FHIR server
 * that reports more results than it lets us read puts `warnings` on the output plus an execution hint.
 */
import type { NodeExecutionHint } from 'n8n-workflow';

import { AppointmentSlotLookup } from '../../../nodes/AppointmentSlotLookup/AppointmentSlotLookup.node';
import { context } from './node-context';

const node = new AppointmentSlotLookup();
const credentials = {
	fhirServerApi: { baseUrl: 'https://fhir.example.org/R4', authType: 'bearer', token: 'x' },
};

const appointment = (id: string) => ({
	resourceType: 'Appointment',
	id,
	status: 'booked',
	start: '2030-01-07T11:00:00Z',
	end: '2030-01-07T11:30:00Z',
	participant: [{ actor: { reference: 'Patient/maria', display: 'Maria' }, status: 'accepted' }],
});

const params = {
	backend: 'fhir',
	operation: 'listAppointments',
	clinicTimeZone: 'America/Sao_Paulo',
	windowStart: '2030-01-07',
	windowEnd: '2030-01-08',
	statuses: [],
	listPatientReference: 'maria',
	listLimit: 50,
};

it('FHIR: Patient Reference → patient=; total > entries sent and _offset refused → warnings + hint', async () => {
	const urls: string[] = [];
	const http = jest.fn(async (_type: string, req: { url: string }) => {
		urls.push(req.url);
		if (req.url.includes('_offset'))
			throw Object.assign(new Error('Bad Request'), {
				httpCode: '400',
				cause: { response: { status: 400, data: { resourceType: 'OperationOutcome', issue: [] } } },
			});
		return {
			statusCode: 200,
			headers: {},
			body: {
				resourceType: 'Bundle',
				type: 'searchset',
				total: 5,
				entry: [{ resource: appointment('a1') }, { resource: appointment('a2') }],
			},
		};
	});
	const hints: NodeExecutionHint[] = [];
	const out = (await node.execute.call(context({ credentials, http, params, hints })))[0];
	expect(new URL(urls[0]).searchParams.get('patient')).toBe('Patient/maria');
	expect(out.map((i) => i.json.id)).toEqual(['a1', 'a2']);
	const message =
		'3 of 5 Appointment results were not read: the FHIR server sent 2 without a "next" link and does not page with _offset. Narrow the search (dates, practitioner).';
	expect(out[0].json.warnings).toEqual([message]);
	expect(hints).toEqual([{ message, type: 'warning' }]);
});

it('Cal.com: a phone-only patient filter is impossible there, so the field is not even offered', () => {
	const fields = node.description.properties.filter((p) => p.name.startsWith('listPatient'));
	const shownFor = Object.fromEntries(fields.map((f) => [f.name, f.displayOptions?.show?.backend]));
	expect(shownFor).toEqual({
		listPatientPhone: ['builtin', 'fhir'],
		listPatientEmail: ['fhir', 'calcom'],
		listPatientReference: ['fhir'],
	});
});
