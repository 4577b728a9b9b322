/**
 * The one text table: every text the patient reads from the bot and the shipped workflows, in Brazilian Portuguese,
 * Spanish and English (a data table, not logic). Staff never edit this file: they override any entry, or add their
 * own (a new question), in the Texts field of the Clinic Conversation node as one JSON object of the same shape:
 *
 *   { "ask_name": { "pt_BR": "Qual é o seu nome?", "es": "¿Cómo se llama?", "en": "What is your name?" } }
 *
 * `{placeholders}` are filled in when the text is used (the ones each text may use are listed in TEXT_VARIABLES).
 * Button and list labels are at most 20 characters (WhatsApp's limit); everything else at most 1024. The booking
 * Flow's texts are the table's `flow_*` entries (flow-texts.ts); the defaults of other nodes and workflows (the slot
 * list, workflow 04's call texts) are in node-texts.ts.
 */
import type { Language } from './languages';

export type Translations = Readonly<Record<Language, string>>;

export const DEFAULT_TEXTS = {
	// The main menu (three buttons) and the language picker.
	menu: {
		pt_BR: 'Olá! Sou a assistente virtual da clínica. O que você gostaria de fazer?',
		es: '¡Hola! Soy la asistente virtual de la clínica. ¿Qué le gustaría hacer?',
		en: 'Hello! I am the clinic assistant. What would you like to do?',
	},
	menu_book: { pt_BR: 'Agendar consulta', es: 'Reservar cita', en: 'Book appointment' },
	menu_nurse: { pt_BR: 'Falar com enfermeira', es: 'Hablar con enfermera', en: 'Talk to a nurse' },
	menu_language: { pt_BR: 'Mudar idioma', es: 'Cambiar idioma', en: 'Change language' },
	language_choose: {
		pt_BR: 'Em qual idioma você prefere conversar?',
		es: '¿En qué idioma prefiere conversar?',
		en: 'Which language would you like to use?',
	},
	language_pt_BR: { pt_BR: 'Português', es: 'Português', en: 'Português' },
	language_es: { pt_BR: 'Español', es: 'Español', en: 'Español' },
	language_en: { pt_BR: 'English', es: 'English', en: 'English' },

	// The booking questions (Clinic Conversation → Questions) and what is said when an answer is not valid.
	ask_name: {
		pt_BR: 'Vamos agendar sua consulta. Qual é o seu nome completo (nome e sobrenome)?',
		es: 'Vamos a reservar su cita. ¿Cuál es su nombre completo (nombre y apellido)?',
		en: 'Let us book your appointment. What is your full name (first and last name)?',
	},
	ask_dob: {
		pt_BR: 'Obrigada, {firstName}. Qual é a sua data de nascimento? (DD/MM/AAAA)',
		es: 'Gracias, {firstName}. ¿Cuál es su fecha de nacimiento? (DD/MM/AAAA)',
		en: 'Thank you, {firstName}. What is your date of birth? (DD/MM/YYYY)',
	},
	ask_insurance: {
		pt_BR: 'Qual é o seu convênio? Digite o nome, ou PARTICULAR se você mesmo for pagar.',
		es: '¿Cuál es su seguro médico? Escriba su nombre, o PARTICULAR si va a pagar usted.',
		en: 'What is your health insurance? Type its name, or NONE if you will pay yourself.',
	},
	retry_name: {
		pt_BR: 'Por favor, digite seu nome e sobrenome (só letras), por exemplo: Maria Souza.',
		es: 'Por favor, escriba su nombre y apellido (solo letras), por ejemplo: María Pérez.',
		en: 'Please type your first and last name (letters only), for example: Maria Souza.',
	},
	retry_date_of_birth: {
		pt_BR:
			'Não consegui entender essa data. Digite sua data de nascimento como DD/MM/AAAA, por exemplo 25/03/1984.',
		es: 'No pude entender esa fecha. Escriba su fecha de nacimiento como DD/MM/AAAA, por ejemplo 25/03/1984.',
		en: 'I could not read that date. Please type your date of birth as DD/MM/YYYY, for example 25/03/1984.',
	},
	retry_insurance: {
		pt_BR: 'Por favor, digite o nome do seu convênio (2 a 40 letras), ou PARTICULAR.',
		es: 'Por favor, escriba el nombre de su seguro médico (2 a 40 letras), o PARTICULAR.',
		en: 'Please type the name of your health insurance (2 to 40 letters), or NONE.',
	},
	retry_email: {
		pt_BR: 'Isso não parece um e-mail. Digite algo como maria@exemplo.com.',
		es: 'Eso no parece un correo electrónico. Escriba algo como maria@ejemplo.com.',
		en: 'That does not look like an e-mail address. Please type something like maria@example.com.',
	},
	retry_text: {
		pt_BR: 'Por favor, responda com um texto curto (até 200 caracteres).',
		es: 'Por favor, responda con un texto corto (hasta 200 caracteres).',
		en: 'Please answer with a short text (up to 200 characters).',
	},

	// Free times and booking.
	slots_body: {
		pt_BR: 'Escolha um horário para sua consulta:',
		es: 'Elija un horario para su cita:',
		en: 'Choose a time for your appointment:',
	},
	slots_button: { pt_BR: 'Ver horários', es: 'Ver horarios', en: 'See times' },
	pick_slot: {
		pt_BR: 'Escolha um horário da lista ("Ver horários").',
		es: 'Elija un horario de la lista ("Ver horarios").',
		en: 'Please choose a time from the list ("See times").',
	},
	slot_taken: {
		pt_BR: 'Desculpe, esse horário acabou de ser reservado. Veja os próximos horários livres.',
		es: 'Lo sentimos, ese horario se acaba de reservar. Estos son los próximos horarios libres.',
		en: 'Sorry, that time was just taken. Here are the next free times.',
	},

	// Answers to the reminder buttons (workflow 02) and the follow-up / survey buttons (workflow 05); our_team fills
	// the follow-up template when a visit has no practitioner name.
	reschedule_done: {
		pt_BR: 'Pronto! Sua consulta foi remarcada para {date}.',
		es: '¡Listo! Su cita ahora es el {date}.',
		en: 'Done! Your appointment is now on {date}.',
	},
	reschedule_failed: {
		pt_BR:
			'Desculpe, esse horário não está mais livre. Toque em Remarcar no lembrete de novo ou digite MENU.',
		es: 'Lo sentimos, ese horario ya no está libre. Toque Reprogramar en el recordatorio otra vez o escriba MENU.',
		en: 'Sorry, that time is no longer free. Please reply RESCHEDULE again from the reminder or type MENU.',
	},
	confirm_thanks: {
		pt_BR: 'Obrigada, sua consulta está confirmada. Até breve!',
		es: 'Gracias, su cita está confirmada. ¡Hasta pronto!',
		en: 'Thank you, your appointment is confirmed. See you soon!',
	},
	cancel_done: {
		pt_BR: 'Sua consulta foi cancelada.',
		es: 'Su cita fue cancelada.',
		en: 'Your appointment was cancelled.',
	},
	rebook_body: {
		pt_BR:
			'Quer marcar outro horário? Escolha um abaixo. Se nenhum servir, toque em "Lista de espera": avisamos quando abrir um horário.',
		es: '¿Quiere reservar otro horario? Elija uno abajo. Si ninguno le sirve, toque "Lista de espera": le avisamos cuando se libere uno.',
		en: 'Would you like another time? Pick one below. If none suits you, tap "Join the waitlist": we will tell you when a time opens up.',
	},
	followup_better: {
		pt_BR: 'Que bom saber! Cuide-se.',
		es: '¡Qué bueno saberlo! Cuídese.',
		en: 'Great to hear! Take care.',
	},
	our_team: { pt_BR: 'nossa equipe', es: 'nuestro equipo', en: 'our team' },
	csat_thanks: {
		pt_BR: 'Obrigada pela sua avaliação!',
		es: '¡Gracias por su opinión!',
		en: 'Thank you for your feedback!',
	},

	// Nurse handoff (workflows 01 and 04).
	nurse_video: {
		pt_BR:
			'Uma enfermeira vai falar com você agora. Entre na videochamada aqui: {link} (ou continue escrevendo por aqui).',
		es: 'Una enfermera hablará con usted ahora. Entre en la videollamada aquí: {link} (o siga escribiendo por aquí).',
		en: 'A nurse will talk to you now. Join the video call here: {link} (or just keep writing here).',
	},
	staff_answer: { pt_BR: 'Enfermagem: {text}', es: 'Enfermería: {text}', en: 'Nurse: {text}' },
	handoff_closed: {
		pt_BR:
			'Nossa enfermeira encerrou esta conversa. Você está de volta com a assistente da clínica: digite MENU a qualquer momento.',
		es: 'Nuestra enfermera cerró esta conversación. Vuelve a hablar con la asistente de la clínica: escriba MENU cuando quiera.',
		en: 'Our nurse has closed this conversation. You are back with the clinic assistant: type MENU at any time.',
	},

	// Lab results (workflows 03 and 01); recent_visit fills the notice template when the lab gave no date.
	lab_caption: {
		pt_BR: 'Seus resultados de exames. Responda aqui se tiver alguma dúvida para a nossa enfermeira.',
		es: 'Sus resultados de análisis. Responda aquí si tiene alguna pregunta para nuestra enfermera.',
		en: 'Your lab results. Reply here if you have a question for our nurse.',
	},
	recent_visit: { pt_BR: 'sua consulta recente', es: 'su visita reciente', en: 'your recent visit' },
	lab_dob_mismatch: {
		pt_BR: 'Essa data de nascimento não confere com o nosso cadastro. Digite de novo como DD/MM/AAAA.',
		es: 'Esa fecha de nacimiento no coincide con nuestros registros. Escríbala otra vez como DD/MM/AAAA.',
		en: 'That date of birth does not match our records. Please type it again as DD/MM/YYYY.',
	},

	// Consent confirmations (Consent Check · Detect Keywords; the bot's Consent Reply output).
	consent_opt_out: {
		pt_BR:
			'Pronto, você não vai mais receber mensagens da clínica por aqui. Para voltar a receber, responda VOLTAR.',
		es: 'Listo, ya no recibirás mensajes de la clínica por aquí. Para volver a recibirlos, responde VOLVER.',
		en: "Done, you won't receive messages from the clinic here any more. Reply START to receive them again.",
	},
	consent_opt_in: {
		pt_BR: 'Pronto, você voltará a receber mensagens da clínica por aqui. Para parar, responda PARAR.',
		es: 'Listo, volverás a recibir mensajes de la clínica por aquí. Para dejar de recibirlos, responde BAJA.',
		en: "Done, you'll receive messages from the clinic here again. Reply STOP to stop at any time.",
	},
} satisfies Record<string, Translations>;

export type TextKey = keyof typeof DEFAULT_TEXTS;

/** The placeholders a built-in text may use (a staff edit that uses another one is refused, naming it). */
export const TEXT_VARIABLES: Partial<Record<TextKey, readonly string[]>> = {
	ask_dob: ['firstName', 'name'],
	reschedule_done: ['date'],
	nurse_video: ['link'],
	staff_answer: ['text'],
};

/** Texts WhatsApp shows on a button or list button: 20 characters at most. */
export const LABEL_KEYS: readonly TextKey[] = [
	'menu_book',
	'menu_nurse',
	'menu_language',
	'language_pt_BR',
	'language_es',
	'language_en',
	'slots_button',
];
