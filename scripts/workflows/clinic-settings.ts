/**
 * The demo clinic as the generated workflows (and the e2e scenarios that check them) see it: language, time zone,
 * staff desk, video-call base, built-in scheduler rules, and date expressions in the clinic's time zone.
 */
export const SETTINGS = {
	/** The clinic's language (Clinic Conversation → Clinic Language): for patients the bot knows nothing about. */
	language: 'pt_BR',
	timeZone: 'America/Sao_Paulo',
	/** Where nurse handoffs are posted: by default the Staff desk webhook of workflow 04 in this same n8n. */
	staffDeskExpression: `={{ $execution.resumeUrl.replace(/webhook-waiting\\/.*$/, 'webhook/clinic-staff-desk') }}`,
	videoBase: 'https://meet.clinic.example/room/',
};

/**
 * A date for a template variable, as an n8n expression fragment: WhatsApp Send Template sends it as Meta's typed
 * `date_time` parameter and writes the text the patient reads in the TEMPLATE's language (en_US "March 12, 2026",
 * pt_BR "12 de março de 2026", es "12 de marzo de 2026"; times "9:30 AM" / "09:30") in the clinic's time zone.
 * So switching a template to pt_BR or es localises its dates without touching the expression.
 */
export function templateDate(isoExpression: string, show: 'date' | 'time' | 'date_time'): string {
	return `{ date_time: ${isoExpression}, timezone: '${SETTINGS.timeZone}', show: '${show}' }`;
}

/**
 * An appointment time inside a free-form text in the patient's language (`localeExpression`: the Clinic
 * Conversation item's `locale`, pt-BR / es / en-US): "12 de março de 2026 às 09:30", "12 de marzo de 2026, 9:30",
 * "March 12, 2026 at 9:30 AM" — clinic time zone, the same words as that language's template dates. The locale is
 * set explicitly so the server's own locale never leaks in.
 */
export function localDateTime(isoExpression: string, localeExpression: string): string {
	return `DateTime.fromISO(${isoExpression}).setZone('${SETTINGS.timeZone}').setLocale(${localeExpression}).toLocaleString({ dateStyle: 'long', timeStyle: 'short' }).replace(/\\u202f/g, ' ')`;
}

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
