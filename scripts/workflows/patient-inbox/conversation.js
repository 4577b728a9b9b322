// Decides the next step of each patient's conversation.
// State: one row per patient in the n8n data table "wac_conversations" (step + context as JSON text), read by
// "Get conversation" and written by "Save conversation". Nothing here talks to WhatsApp or the clinic store.
const MENU = 'Hello! I am the clinic assistant. What would you like to do?';
const ASK_NAME = 'Let us book your appointment. What is your full name (first and last name)?';
const ASK_DOB = 'Thank you, {name}. What is your date of birth? (DD/MM/YYYY)';
const ASK_INSURANCE = 'What is your health insurance? Type its name, or NONE if you will pay yourself.';
const PICK_SLOT = 'Please choose a time from the list ("See times").';
const BAD_NAME = 'Please type your first and last name (letters only), for example: Maria Souza.';
const BAD_DOB =
	'I could not read that date. Please type your date of birth as DD/MM/YYYY, for example 25/03/1984.';
const BAD_INSURANCE = 'Please type the name of your health insurance (2 to 40 letters), or NONE.';
const NURSE_WORDS =
	/\b(nurse|enfermeir[ao]|enfermer[ao]|human|humano|atendente|falar com alguem|talk to someone)\b/i;
const RESTART_WORDS = /^(menu|restart|start over|inicio|início|voltar)$/i;

function parseDob(text) {
	const t = String(text).trim();
	let m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(t);
	let d;
	if (m) d = DateTime.fromObject({ day: +m[1], month: +m[2], year: +m[3] });
	else if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t)))
		d = DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3] });
	if (!d || !d.isValid) return null;
	const age = DateTime.now().diff(d, 'years').years;
	if (age < 0 || age > 120) return null;
	return d.toISODate();
}

function validName(text) {
	const t = String(text).trim().replace(/\s+/g, ' ');
	if (t.length < 3 || t.length > 80) return null;
	if (!/^[\p{L}' .-]+$/u.test(t) || t.split(' ').filter((w) => w.length > 0).length < 2) return null;
	return t;
}

function validInsurance(text) {
	const t = String(text).trim().replace(/\s+/g, ' ');
	if (/^(none|no|nao|não|particular|self[- ]?pay|ninguno|ninguna)$/i.test(t)) return 'Self-pay';
	if (t.length < 2 || t.length > 40 || !/^[\p{L}\p{N} .&'-]+$/u.test(t)) return null;
	return t;
}

function decide(e, step, context) {
	const text = String(e.text || '').trim();
	const choice =
		(e.interactive && e.interactive.buttonReply && e.interactive.buttonReply.id) ||
		(e.button && e.button.payload) ||
		'';
	const listId = (e.interactive && e.interactive.listReply && e.interactive.listReply.id) || '';
	const [verb, ref, extra] = choice.split(':');

	// Answers to buttons the clinic sent (reminders, surveys, follow-ups, the menu) win over the current step.
	if (verb === 'CONFIRM') return { action: 'confirm', appointmentId: ref, nextStep: 'idle', context: {} };
	if (verb === 'CANCEL') return { action: 'cancel', appointmentId: ref, nextStep: 'idle', context: {} };
	if (verb === 'RESCHEDULE')
		return { action: 'slots', nextStep: 'pick_slot', context: { mode: 'reschedule', appointmentId: ref } };
	if (verb === 'CSAT')
		return { action: 'csat', rating: ref, appointmentId: extra || '', nextStep: 'idle', context: {} };
	if (verb === 'FOLLOWUP' && ref === 'HELP')
		return { action: 'nurse', topic: 'post-visit follow-up', nextStep: 'with_staff', context: {} };
	if (verb === 'FOLLOWUP')
		return { action: 'reply', reply: 'Great to hear! Take care.', nextStep: 'idle', context: {} };
	if (verb === 'BOOK') return { action: 'reply', reply: ASK_NAME, nextStep: 'ask_name', context: {} };
	if (verb === 'NURSE' || (step !== 'with_staff' && NURSE_WORDS.test(text)))
		return { action: 'nurse', topic: text || 'asked for a nurse', nextStep: 'with_staff', context: {} };
	if (step === 'with_staff')
		return { action: 'to_staff', topic: text || `(${e.type})`, nextStep: step, context };

	if (listId) {
		if (context.mode === 'reschedule' && context.appointmentId)
			return {
				action: 'reschedule',
				slotId: listId,
				appointmentId: context.appointmentId,
				nextStep: 'idle',
				context: {},
			};
		if (context.name) return { action: 'book', slotId: listId, nextStep: 'idle', context };
		return { action: 'reply', reply: ASK_NAME, nextStep: 'ask_name', context: {} };
	}
	if (RESTART_WORDS.test(text)) return { action: 'menu', reply: MENU, nextStep: 'idle', context: {} };

	switch (step) {
		case 'ask_name': {
			const name = validName(text);
			if (!name) return { action: 'reply', reply: BAD_NAME, nextStep: step, context };
			return {
				action: 'reply',
				reply: ASK_DOB.replace('{name}', name.split(' ')[0]),
				nextStep: 'ask_dob',
				context: { ...context, name },
			};
		}
		case 'ask_dob': {
			const dob = parseDob(text);
			if (!dob) return { action: 'reply', reply: BAD_DOB, nextStep: step, context };
			return {
				action: 'reply',
				reply: ASK_INSURANCE,
				nextStep: 'ask_insurance',
				context: { ...context, dob },
			};
		}
		case 'ask_insurance': {
			const insurance = validInsurance(text);
			if (!insurance) return { action: 'reply', reply: BAD_INSURANCE, nextStep: step, context };
			return { action: 'slots', nextStep: 'pick_slot', context: { ...context, insurance } };
		}
		case 'pick_slot':
			return { action: 'slots', reply: PICK_SLOT, nextStep: step, context };
		case 'lab_dob': {
			const dob = parseDob(text);
			return { action: 'lab_dob', candidateDob: dob || 'invalid', nextStep: step, context };
		}
		case 'lab_sent':
			if (text)
				return {
					action: 'nurse',
					topic: `question about lab results: ${text}`,
					nextStep: 'with_staff',
					context: {},
				};
			break;
	}
	if (!text && !choice) return { action: 'ignore', nextStep: step, context };
	return { action: 'menu', reply: MENU, nextStep: 'idle', context: {} };
}

const rows = $input
	.all()
	.map((i) => i.json)
	.filter((r) => r && r.patient);
const events = $('Opt-out words')
	.all()
	.map((i) => i.json)
	// Messages written in a care team group (groupId) are for the care team, not the bot (workflow 07).
	.filter((e) => e.event === 'message' && !e.consentKeyword && !e.groupId);
return events.map((e) => {
	const patient = e.from || e.userId;
	const row = rows.find((r) => r.patient === patient);
	let context = {};
	try {
		context = row && row.context ? JSON.parse(row.context) : {};
	} catch (error) {
		context = {};
	}
	const decision = decide(e, (row && row.step) || 'idle', context);
	return {
		json: {
			patient,
			recipient: e.from || e.userId,
			profileName: e.profileName || '',
			messageId: e.messageId,
			...decision,
			contextJson: JSON.stringify(decision.context || {}),
		},
	};
});
