// KPIs of the last 7 days from the audit log entries (input) and the appointments ("Appointments, last 7 days").
const entries = $('Audit entries, last 7 days')
	.all()
	.map((i) => i.json)
	.filter((e) => e && (e.seq !== undefined || e.direction));
const appointments = $input
	.all()
	.map((i) => i.json)
	.filter((a) => a && a.id && a.status);
const when = (e) => Date.parse(e.ts || e.timestamp || e.recordedAt || 0);
const details = (e) => {
	if (!e.details) return {};
	if (typeof e.details === 'object') return e.details;
	try {
		return JSON.parse(e.details);
	} catch (error) {
		return {};
	}
};
const patientOf = (e) => e.patientDigest || e.patient_digest || e.patientPhone || e.userId || e.user_id || '';
const ratio = (a, b) => (b > 0 ? Math.round((a / b) * 1000) / 10 : null);

// Response time: first outbound after each inbound message of the same patient.
const sorted = [...entries].sort((a, b) => when(a) - when(b));
const waits = [];
const open = new Map();
for (const e of sorted) {
	const p = patientOf(e);
	if (!p) continue;
	if (e.direction === 'inbound' && !open.has(p)) open.set(p, when(e));
	else if (e.direction === 'outbound' && open.has(p)) {
		waits.push((when(e) - open.get(p)) / 1000);
		open.delete(p);
	}
}
waits.sort((a, b) => a - b);
const median = waits.length ? waits[Math.floor(waits.length / 2)] : null;

const sent = entries.filter(
	(e) => e.direction === 'outbound' && e.outcome !== 'failed' && e.outcome !== 'blocked',
);
const statusOf = (e) => String(e.event || details(e).status || '');
// The message ID is PHI (shown only with PHI output on); its keyed digest correlates sends and statuses.
const messageOf = (e) => e.messageDigest || e.messageId || e.message_id;
const delivered = new Set(
	entries.filter((e) => e.direction === 'status' && /delivered|read/.test(statusOf(e))).map(messageOf),
);
const read = new Set(
	entries.filter((e) => e.direction === 'status' && /read/.test(statusOf(e))).map(messageOf),
);
const sentIds = sent.map(messageOf).filter(Boolean);

const reminded = new Set(
	sent
		.filter((e) => e.purpose === 'appointment-reminder' && e.template)
		.map((e) => details(e).bizOpaqueCallbackData || messageOf(e)),
);
const confirmedIds = new Set(
	entries.filter((e) => e.event === 'appointment.confirmed').map((e) => details(e).appointmentId),
);
const past = appointments.filter((a) => Date.parse(a.start) < Date.now());
const noShows = past.filter(
	(a) => a.status === 'noshow' || a.status === 'no-show' || a.status === 'no_show',
).length;
const csat = entries
	.filter((e) => e.event === 'survey.csat')
	.map((e) => String(details(e).rating || '').toUpperCase());

const summary = {
	periodDays: 7,
	generatedAt: new Date().toISOString(),
	auditEntries: entries.length,
	messagesReceived: entries.filter((e) => e.direction === 'inbound').length,
	messagesSent: sent.length,
	medianResponseSeconds: median,
	deliveryRatePct: ratio(sentIds.filter((id) => delivered.has(id)).length, sentIds.length),
	readRatePct: ratio(sentIds.filter((id) => read.has(id)).length, sentIds.length),
	remindersSent: reminded.size,
	appointments: appointments.length,
	confirmations: confirmedIds.size,
	confirmationRatePct: ratio(confirmedIds.size, reminded.size),
	noShowRatePct: ratio(noShows, past.length),
	csatAnswers: csat.length,
	csatGoodPct: ratio(csat.filter((r) => r === 'GOOD').length, csat.length),
};
return Object.entries(summary).map(([kpi, value]) => ({
	json: { kpi, value, ...(kpi === 'periodDays' ? { summary } : {}) },
}));
