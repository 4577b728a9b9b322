/**
 * Every text a patient sees in the shipped appointment-booking Flow and from its data endpoint, per language
 * (pt_BR first: the clinic default; es; en_US). The Flow JSON files in workflows/flows/ are generated from this
 * table (booking-flow.ts), so a wording change is made here once and regenerated. The patient-language text table
 * of the conversation (core/i18n) can fold these keys in.
 */
export const FLOW_LANGUAGES = ['pt_BR', 'es', 'en_US'] as const;
export type FlowLanguage = (typeof FLOW_LANGUAGES)[number];
export const DEFAULT_FLOW_LANGUAGE: FlowLanguage = 'pt_BR';

export interface FlowTexts {
	specialtyTitle: string;
	specialtyHeading: string;
	specialtyLabel: string;
	practitionerTitle: string;
	practitionerLabel: string;
	dateTitle: string;
	dateLabel: string;
	dateHelper: string;
	timeTitle: string;
	timeLabel: string;
	slotTaken: string;
	noTimes: string;
	detailsTitle: string;
	nameLabel: string;
	birthDateLabel: string;
	insuranceLabel: string;
	phoneLabel: string;
	summaryTitle: string;
	summaryHeading: string;
	summaryWhen: string;
	summaryWho: string;
	summaryPatient: string;
	continue: string;
	confirm: string;
	/** 427: the patient sees this when the Flow message is too old or not ours. */
	tokenExpired: string;
	/** The button of the Flow message (≤ 20 characters). */
	cta: string;
	/** The body of the Flow message. */
	messageBody: string;
	nameInvalid: string;
	birthDateInvalid: string;
}

export const FLOW_TEXTS: Record<FlowLanguage, FlowTexts> = {
	pt_BR: {
		specialtyTitle: 'Agendar consulta',
		specialtyHeading: 'Qual especialidade você procura?',
		specialtyLabel: 'Especialidade',
		practitionerTitle: 'Profissional',
		practitionerLabel: 'Profissional',
		dateTitle: 'Data',
		dateLabel: 'Data da consulta',
		dateHelper: 'Mostramos só os dias com horários livres.',
		timeTitle: 'Horário',
		timeLabel: 'Horários livres',
		slotTaken: 'Esse horário acabou de ser reservado por outra pessoa. Escolha outro:',
		noTimes: 'Não há mais horários livres nesse dia. Escolha outra data.',
		detailsTitle: 'Seus dados',
		nameLabel: 'Nome completo',
		birthDateLabel: 'Data de nascimento',
		insuranceLabel: 'Convênio',
		phoneLabel: 'Telefone (WhatsApp)',
		summaryTitle: 'Confirmar',
		summaryHeading: 'Confira sua consulta',
		summaryWhen: 'Quando',
		summaryWho: 'Com',
		summaryPatient: 'Paciente',
		continue: 'Continuar',
		confirm: 'Confirmar agendamento',
		tokenExpired: 'Este formulário expirou. Envie "oi" para receber um novo.',
		cta: 'Agendar consulta',
		messageBody: 'Agende sua consulta em poucos toques: escolha a especialidade, o profissional e o horário.',
		nameInvalid: 'Digite seu nome completo (nome e sobrenome).',
		birthDateInvalid: 'Escolha uma data de nascimento válida.',
	},
	es: {
		specialtyTitle: 'Reservar cita',
		specialtyHeading: '¿Qué especialidad busca?',
		specialtyLabel: 'Especialidad',
		practitionerTitle: 'Profesional',
		practitionerLabel: 'Profesional',
		dateTitle: 'Fecha',
		dateLabel: 'Fecha de la cita',
		dateHelper: 'Solo mostramos días con horarios libres.',
		timeTitle: 'Horario',
		timeLabel: 'Horarios libres',
		slotTaken: 'Otra persona acaba de reservar ese horario. Elija otro:',
		noTimes: 'Ya no quedan horarios libres ese día. Elija otra fecha.',
		detailsTitle: 'Sus datos',
		nameLabel: 'Nombre completo',
		birthDateLabel: 'Fecha de nacimiento',
		insuranceLabel: 'Seguro médico',
		phoneLabel: 'Teléfono (WhatsApp)',
		summaryTitle: 'Confirmar',
		summaryHeading: 'Revise su cita',
		summaryWhen: 'Cuándo',
		summaryWho: 'Con',
		summaryPatient: 'Paciente',
		continue: 'Continuar',
		confirm: 'Confirmar cita',
		tokenExpired: 'Este formulario caducó. Escriba "hola" para recibir uno nuevo.',
		cta: 'Reservar cita',
		messageBody: 'Reserve su cita en pocos toques: elija la especialidad, el profesional y el horario.',
		nameInvalid: 'Escriba su nombre completo (nombre y apellido).',
		birthDateInvalid: 'Elija una fecha de nacimiento válida.',
	},
	en_US: {
		specialtyTitle: 'Book an appointment',
		specialtyHeading: 'Which specialty do you need?',
		specialtyLabel: 'Specialty',
		practitionerTitle: 'Practitioner',
		practitionerLabel: 'Practitioner',
		dateTitle: 'Date',
		dateLabel: 'Appointment date',
		dateHelper: 'Only days with free times are shown.',
		timeTitle: 'Time',
		timeLabel: 'Free times',
		slotTaken: 'Someone else just booked that time. Please choose another:',
		noTimes: 'No free times are left on that day. Please choose another date.',
		detailsTitle: 'Your details',
		nameLabel: 'Full name',
		birthDateLabel: 'Date of birth',
		insuranceLabel: 'Health insurance',
		phoneLabel: 'Phone (WhatsApp)',
		summaryTitle: 'Confirm',
		summaryHeading: 'Check your appointment',
		summaryWhen: 'When',
		summaryWho: 'With',
		summaryPatient: 'Patient',
		continue: 'Continue',
		confirm: 'Confirm booking',
		tokenExpired: 'This form has expired. Send "hi" to get a new one.',
		cta: 'Book appointment',
		messageBody: 'Book your appointment in a few taps: choose the specialty, the practitioner and the time.',
		nameInvalid: 'Type your full name (first and last name).',
		birthDateInvalid: 'Choose a valid date of birth.',
	},
};

/** pt_BR, pt-BR, pt → pt_BR; es, es_MX → es; en, en_US → en_US; anything else → the default. */
export function flowLanguage(language: string | null | undefined): FlowLanguage {
	const l = String(language ?? '')
		.trim()
		.replace('-', '_')
		.toLowerCase();
	if (l.startsWith('pt')) return 'pt_BR';
	if (l.startsWith('es')) return 'es';
	if (l.startsWith('en')) return 'en_US';
	return DEFAULT_FLOW_LANGUAGE;
}

export function flowText(language: string | null | undefined, key: keyof FlowTexts): string {
	return FLOW_TEXTS[flowLanguage(language)][key];
}

/** The slot lookup's locale for a Flow language (Find Free Slots / Book "Locale"). */
export function slotLocaleOf(language: string | null | undefined): 'pt-BR' | 'es' | 'en' {
	const l = flowLanguage(language);
	return l === 'pt_BR' ? 'pt-BR' : l === 'es' ? 'es' : 'en';
}
