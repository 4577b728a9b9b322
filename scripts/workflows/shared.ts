/** Settings shared by the generated workflows. */
export const SETTINGS = {
	timeZone: 'America/Sao_Paulo',
	/** Where nurse handoffs are posted: by default the Staff desk webhook of workflow 04 in this same n8n. */
	staffDeskExpression: `={{ $execution.resumeUrl.replace(/webhook-waiting\\/.*$/, 'webhook/clinic-staff-desk') }}`,
	videoBase: 'https://meet.clinic.example/room/',
};

/**
 * Built-in scheduler rules of the demo clinic. Open every day 08:00–18:00 so the demo and the end-to-end tests
 * always find free times; a real clinic edits this JSON in the "Find free slots" / "Book" nodes.
 */
export const CLINIC_RULES = JSON.stringify(
	{
		timeZone: SETTINGS.timeZone,
		location: 'Sim Clinic, Rua Exemplo 100, São Paulo',
		slotGranularityMinutes: 30,
		minimumNoticeMinutes: 60,
		bookingHorizonDays: 30,
		openingHours: Object.fromEntries(
			['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '08:00', end: '18:00' }]]),
		),
		breaks: [{ start: '12:00', end: '13:00', label: 'Lunch' }],
		services: [{ id: 'consultation', name: 'General consultation', durationMinutes: 30 }],
		practitioners: [
			{ id: 'dr-silva', name: 'Dr. Ana Silva', serviceIds: ['consultation'] },
			{ id: 'dr-costa', name: 'Dr. Bruno Costa', serviceIds: ['consultation'] },
		],
	},
	null,
	2,
);

/** Find Free Slots in "WhatsApp list" mode. */
export function slotListParams(): Record<string, unknown> {
	return {
		operation: 'findSlots',
		backend: 'builtin',
		rulesSource: 'json',
		rulesJson: CLINIC_RULES,
		serviceId: 'consultation',
		daysAhead: 14,
		maxSlots: 10,
		output: 'whatsappList',
		listOptions: { body: 'Choose a time for your appointment:', button: 'See times' },
		locale: 'en',
	};
}
