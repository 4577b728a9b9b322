/**
 * 08 · Waitlist backfill: a cancelled (or moved) appointment's time is offered to waitlisted patients in waves, by
 * the approved utility template waitlist_offer (Brazilian Portuguese) with a "Quero este horário" button; the first
 * patient to tap gets it through the same no-double-booking path as Book, the others are told it was taken.
 * Workflow 01 (the number's one webhook) posts its freed times to *Slot freed* and the taps to *Tap from workflow
 * 01*; a clinic whose WhatsApp inbox is elsewhere points the number at this workflow's own trigger instead.
 */
import { CLAIM_PAYLOAD_PREFIX } from '../../core/waitlist/types';
import { CRED, Flow, PKG, X } from './flow';
import { builtinScheduler, slotLookup, switchNode, webhook } from './nodes';

/** Minutes a wave of offers stays open (also said in the template). */
export const OFFER_WINDOW_MINUTES = 30;
/** Webhook paths workflow 01 posts to: a Cancel / Reschedule output, and a "Quero este horário" tap. */
export const FREED_PATH = 'waitlist-slot-freed';
export const CLAIM_PATH = 'waitlist-claim';
const WAVE_SIZE = 3;
const TRIGGER = 'WhatsApp Clinic Trigger';

/** Appointment Slot Lookup · Waitlist on the demo clinic's built-in scheduler. */
const waitlist = (operation: string, fields: Record<string, unknown>) =>
	builtinScheduler(operation, { resource: 'waitlist', locale: 'pt-BR', ...fields });

export function waitlistBackfill(): Flow {
	const f = new Flow('08 · Waitlist backfill', 'wac-waitlist');
	f.sticky(
		[
			'## Waitlist backfill',
			'A freed time is worth something only if someone takes it. Patients join the waitlist (Appointment Slot Lookup → Waitlist → Join, e.g. from the bot when no time suits); when an appointment is cancelled or moved, its time is offered here.',
			'',
			`**Offer**: *Slot freed* receives the output item of a Cancel or Reschedule node (workflow 01 posts its reminder cancels and reschedules here; staff tools can too). *Offer freed slot* picks the first ${WAVE_SIZE} waiting patients who fit (practitioner or service, dates, morning/afternoon/evening) and the approved **waitlist_offer** template goes out, checked for consent (appointment reminders). Every ${OFFER_WINDOW_MINUTES} minutes without a taker, *Next waves* asks the next ${WAVE_SIZE}.`,
			'',
			'**Freed elsewhere**: every 5 minutes *Find freed slots* compares the free times of the next 14 days with the previous run (kept in the Clinic Store) and offers each time that became free since (cancelled in another system or directly on the FHIR server). The first run only records what is free.',
			'',
			'**Claim**: the patient taps *Quero este horário*. The first tap books the time (same no-double-booking path as Book); later taps are told it was taken and stay on the list; expired offers book nothing.',
			'',
			"**Setup**: same clinic rules and Calendar ID as workflow 01, your WhatsApp and Clinic Store credentials, the template approved in pt_BR. Publish it next to workflow 01: Meta sends a number's webhooks to one URL (01's trigger), and 01 hands the taps to *Tap from workflow 01*. Only if your inbox is not workflow 01, point the number (or its phone-number override) at this workflow's *WhatsApp Clinic Trigger*.",
		].join('\n'),
		[-420, -80],
		560,
		560,
	);

	// Offers: a freed slot (POSTed) or the next waves due (schedule).
	const freed = webhook(f, 'Slot freed', [X(0), 200], FREED_PATH);
	const offer = slotLookup(
		f,
		'Offer freed slot',
		[X(1), 200],
		waitlist('offerFreedSlot', {
			offerSource: 'freedSlot',
			freedSlot: '={{ $json.body }}',
			waveSize: WAVE_SIZE,
			offerWindowMinutes: OFFER_WINDOW_MINUTES,
			checkStillFree: true,
		}),
	);
	const every = f.add('Every 5 minutes', 'n8n-nodes-base.scheduleTrigger', 1.2, [X(0), 420], {
		rule: { interval: [{ field: 'minutes', minutesInterval: 5 }] },
	});
	const due = slotLookup(
		f,
		'Next waves',
		[X(1), 420],
		waitlist('offerFreedSlot', {
			offerSource: 'due',
			waveSize: WAVE_SIZE,
			offerWindowMinutes: OFFER_WINDOW_MINUTES,
		}),
	);
	// Times freed outside n8n (staff cancelling in another system, a FHIR server others write to): each run compares
	// the free times with the previous run's and offers the newly freed ones (the first run only records).
	const polled = slotLookup(
		f,
		'Find freed slots',
		[X(1), 560],
		waitlist('findFreedSlots', {
			waitlistServiceId: 'consultation',
			watchDaysAhead: 14,
			watchMaxSlots: 1000,
		}),
	);
	const offerPolled = slotLookup(
		f,
		'Offer polled slot',
		[X(2), 560],
		waitlist('offerFreedSlot', {
			offerSource: 'freedSlot',
			freedSlot: '={{ $json }}',
			waveSize: WAVE_SIZE,
			offerWindowMinutes: OFFER_WINDOW_MINUTES,
			checkStillFree: false,
		}),
	);
	const send = f.add(
		'Send waitlist offer',
		`${PKG}.whatsAppSendTemplate`,
		1,
		[X(3), 300],
		{
			recipient: '={{ $json.patient.phone }}',
			template: { __rl: true, mode: 'name', value: 'waitlist_offer|pt_BR' },
			parameterSource: 'json',
			parametersJson: `={{ { body_1: $json.firstName || 'paciente', body_2: $json.slot.label, body_3: $json.slot.practitioner.name || 'a equipe', body_4: '${OFFER_WINDOW_MINUTES}', button_0_payload: $json.claimPayload } }}`,
			options: { bizOpaqueCallbackData: '={{ $json.offerId }}' },
			requireConsent: 'appointment_reminders',
			auditToStore: true,
			auditPurpose: 'appointment_reminders',
		},
		{ credentials: { ...CRED.whatsApp, ...CRED.store }, onError: 'continueRegularOutput' },
	);
	f.connect(freed, offer);
	f.connect(every, due);
	f.connect(every, polled);
	f.connect(polled, offerPolled);
	f.connect(offer, send);
	f.connect(due, send);
	f.connect(offerPolled, send);

	// Claims: the "Quero este horário" tap (from workflow 01, or this number's own trigger) → Claim offer → "booked"
	// or "taken".
	const trigger = f.add(
		TRIGGER,
		`${PKG}.whatsAppClinicTrigger`,
		1,
		[X(0), 860],
		{ webhookRegistration: 'manual', events: ['message'], phoneNumberIds: '', options: {} },
		{ credentials: CRED.whatsApp, webhookId: f.webhookId(TRIGGER) },
	);
	const fromInbox = webhook(f, 'Tap from workflow 01', [X(0), 1060], CLAIM_PATH);
	// Workflow 01 posts the trigger's item (sender and button payload): the same item as the trigger's from here on.
	const forwarded = f.add('Forwarded tap', 'n8n-nodes-base.set', 3.4, [X(1), 1060], {
		mode: 'raw',
		jsonOutput: '={{ JSON.stringify($json.body) }}',
		includeOtherFields: false,
		options: {},
	});
	const isClaim = switchNode(
		f,
		'Take this time?',
		[X(2), 900],
		`String($json.button?.payload ?? '').startsWith('${CLAIM_PAYLOAD_PREFIX}') ? 0 : 1`,
		2,
	);
	const claim = slotLookup(
		f,
		'Claim offer',
		[X(3), 860],
		waitlist('claimOffer', {
			offerId: '={{ $json.button.payload }}',
			claimPatientPhone: '={{ $json.from ?? "" }}',
			claimUserId: '={{ $json.userId ?? "" }}',
		}),
	);
	const answer = switchNode(f, 'Anything to say?', [X(4), 860], '$json.replyText ? 0 : 1', 2);
	// In the 24-hour window the tap opened: a plain text answer, audited.
	const reply = f.add(
		'Reply booked or taken',
		`${PKG}.whatsAppSendMessage`,
		1,
		[X(5), 820],
		{
			operation: 'text',
			recipient: `={{ $('Take this time?').item.json.from }}`,
			text: '={{ $json.replyText }}',
			options: {},
			auditToStore: true,
			auditPurpose: 'appointment_reminders',
		},
		{ credentials: { ...CRED.whatsApp, ...CRED.store } },
	);
	f.connect(trigger, isClaim);
	f.chain(fromInbox, forwarded, isClaim);
	f.connect(isClaim, claim, 0);
	f.connect(claim, answer);
	f.connect(answer, reply, 0);
	return f;
}
