/**
 * The part of the one text table (a data table, not logic) that nodes and workflows other than the conversation use
 * by default: Appointment Slot Lookup → Find Free Slots' WhatsApp list (its button is `slots_button` of texts.ts),
 * the waitlist's answers (Join Waitlist, Claim Offer), workflow 04's call permission request and call button, and
 * workflow 07's care plan caption and goodbye. Same shape as texts.ts; every Texts field accepts
 * these names too (buildTextTable), and docs/language.md lists them. They are not in workflow 01's Texts field,
 * whose entries are the conversation's.
 */
import type { Translations } from './texts';

export const NODE_TEXTS = {
	// Appointment Slot Lookup → Find Free Slots' WhatsApp list when no other text is given (its button is slots_button):
	// the list text, the answer when nothing is free, "with" before the practitioner, and the "join the waitlist" row.
	slot_list_body: {
		pt_BR: 'Escolha um horário disponível:',
		es: 'Elija un horario disponible:',
		en: 'Choose an available time:',
	},
	slot_list_empty: {
		pt_BR: 'Não há horários disponíveis neste período.',
		es: 'No hay horarios disponibles en este período.',
		en: 'No free times in this period.',
	},
	slot_list_with: { pt_BR: 'com', es: 'con', en: 'with' },
	waitlist_row_section: { pt_BR: 'Nenhum serve?', es: '¿Ninguno le sirve?', en: 'None of these?' },
	waitlist_row_title: { pt_BR: 'Lista de espera', es: 'Lista de espera', en: 'Join the waitlist' },
	waitlist_row_description: {
		pt_BR: 'Nenhum destes horários serve: avisamos quando abrir um antes',
		es: 'Ninguno de estos horarios: le avisamos cuando se libere uno antes',
		en: 'None of these times suits: we tell you when an earlier one frees up',
	},

	// Workflow 04 "Call me": WhatsApp Calling's call permission request and call button (button ≤ 20 characters).
	call_permission_body: {
		pt_BR:
			'Quer que a enfermagem ligue para você pelo WhatsApp? Toque em Permitir e ligaremos em seguida (você também pode continuar escrevendo aqui).',
		es: '¿Quiere que enfermería le llame por WhatsApp? Toque Permitir y le llamaremos enseguida (también puede seguir escribiendo aquí).',
		en: 'Would you like the nurse to call you on WhatsApp? Tap Allow and we will call you shortly (you can also keep writing here).',
	},
	call_button_body: {
		pt_BR: 'A enfermagem pode falar com você agora: toque no botão para ligar para a clínica pelo WhatsApp.',
		es: 'Enfermería puede hablar con usted ahora: toque el botón para llamar a la clínica por WhatsApp.',
		en: 'The nurse can talk to you now: tap the button to call the clinic on WhatsApp.',
	},
	call_button_text: { pt_BR: 'Ligar p/ enfermagem', es: 'Llamar a enfermería', en: 'Call the nurse' },
	// Waitlist (workflows 01 and 08): joining, and the answers to a tap on an offered time.
	waitlist_joined: {
		pt_BR: 'Pronto! Você está na lista de espera: avisaremos aqui assim que abrir um horário antes.',
		es: '¡Listo! Está en la lista de espera: le avisaremos por aquí en cuanto se libere un horario antes.',
		en: 'Done! You are on the waitlist: we will message you here as soon as an earlier time frees up.',
	},
	waitlist_booked: {
		pt_BR: 'Pronto! Sua consulta está marcada para {when}. Até lá!',
		es: '¡Listo! Su cita quedó para {when}. ¡Hasta pronto!',
		en: 'Done! Your appointment is booked for {when}. See you then!',
	},
	waitlist_booked_with: {
		pt_BR: 'Pronto! Sua consulta está marcada para {when} com {who}. Até lá!',
		es: '¡Listo! Su cita quedó para {when} con {who}. ¡Hasta pronto!',
		en: 'Done! Your appointment is booked for {when} with {who}. See you then!',
	},
	waitlist_taken: {
		pt_BR:
			'Que pena: outro paciente confirmou esse horário primeiro. Você continua na lista de espera e avisaremos quando surgir outro.',
		es: 'Lo sentimos: otro paciente confirmó ese horario primero. Sigue en la lista de espera y le avisaremos cuando haya otro.',
		en: 'Sorry, another patient took this time first. You stay on the waitlist and we will let you know when another time frees up.',
	},
	waitlist_expired: {
		pt_BR: 'Esta oferta expirou. Você continua na lista de espera e avisaremos quando surgir outro horário.',
		es: 'Esta oferta venció. Sigue en la lista de espera y le avisaremos cuando haya otro horario.',
		en: 'This offer has expired. You stay on the waitlist and we will let you know when another time frees up.',
	},
	waitlist_already_claimed: {
		pt_BR: 'Esse horário já é seu: sua consulta está confirmada.',
		es: 'Ese horario ya es suyo: su cita está confirmada.',
		en: 'This time is already yours: your appointment is confirmed.',
	},
	// Workflow 07 (care team group): the care plan's caption and the goodbye before the group is deleted.
	care_plan_caption: {
		pt_BR: 'Seu plano de cuidados. Pergunte aqui à equipe se algo não estiver claro.',
		es: 'Su plan de cuidados. Pregunte aquí al equipo si algo no está claro.',
		en: 'Your care plan. Ask the care team here if anything is unclear.',
	},
	care_group_goodbye: {
		pt_BR:
			'Seu acompanhamento terminou e este grupo será encerrado. Obrigada! Para qualquer coisa nova, escreva para o número da clínica.',
		es: 'Su seguimiento terminó y este grupo se cerrará. ¡Gracias! Para cualquier cosa nueva, escriba al número de la clínica.',
		en: 'Your care episode is complete and this group will now close. Thank you! For anything new, write to the clinic number.',
	},
} satisfies Record<string, Translations>;

export type NodeTextKey = keyof typeof NODE_TEXTS;

/** The placeholders a node text may use (a staff edit that uses another one is refused, naming it). */
export const NODE_TEXT_VARIABLES: Partial<Record<NodeTextKey, readonly string[]>> = {
	waitlist_booked: ['when'],
	waitlist_booked_with: ['when', 'who'],
};

/** Node texts WhatsApp shows on a button: 20 characters at most. */
export const NODE_LABEL_KEYS: readonly NodeTextKey[] = ['call_button_text'];
