/**
 * The names Appointment Slot Lookup shows for the fields a SchedulingInputError points at. A field that is not a
 * node parameter is a path inside the clinic rules (e.g. `openingHours.mon[0].end`).
 */
const FIELD_LABELS: Record<string, string> = {
	backend: 'Scheduling System',
	slotId: 'Slot ID',
	newSlotId: 'New Slot ID',
	patientName: 'Patient Name',
	patientPhone: 'Patient Phone',
	appointmentId: 'Appointment ID',
	serviceId: 'Service',
	practitionerId: 'Practitioner',
	scheduleId: 'Schedule ID',
	patientEmail: 'Patient Email',
	patientReference: 'FHIR Patient Reference',
	from: 'From',
	to: 'To',
	status: 'Status',
	eventTypeId: 'Event Type ID',
	baseUrl: 'Base URL (credential)',
	rules: 'Clinic Rules',
};

/** "Slot ID" for `slotId`; "Clinic Rules → openingHours.mon[0].end" for a path inside the rules. */
export function schedulingFieldLabel(field: string): string {
	return FIELD_LABELS[field] ?? `Clinic Rules → ${field}`;
}
