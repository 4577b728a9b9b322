/**
 * The booking Flow's part of the one text table (a data table, not logic): every text a patient sees on the screens
 * of the shipped appointment-booking WhatsApp Flow, on the Flow message that opens it, and from its data endpoint
 * (workflow 09), as `flow_*` entries in the same shape as texts.ts. The Flow JSON files in workflows/flows/ are
 * generated from these (core/flows/booking-flow.ts); staff change them without code in the *Texts* field of
 * WhatsApp Flow → Create or Update Flow (Flow JSON source "Shipped Booking Flow"), which generates the Flow JSON
 * with their texts (the screens travel inside the uploaded Flow JSON, so that is where a change must be made).
 */
import type { Translations } from './texts';

export const FLOW_TEXTS = {
	// The screens of the shipped booking Flow (workflows/flows/appointment-booking*.json).
	flow_specialty_title: { pt_BR: 'Agendar consulta', es: 'Reservar cita', en: 'Book an appointment' },
	flow_specialty_heading: {
		pt_BR: 'Qual especialidade você procura?',
		es: '¿Qué especialidad busca?',
		en: 'Which specialty do you need?',
	},
	flow_specialty_label: { pt_BR: 'Especialidade', es: 'Especialidad', en: 'Specialty' },
	flow_practitioner_title: { pt_BR: 'Profissional', es: 'Profesional', en: 'Practitioner' },
	flow_practitioner_label: { pt_BR: 'Profissional', es: 'Profesional', en: 'Practitioner' },
	flow_date_title: { pt_BR: 'Data', es: 'Fecha', en: 'Date' },
	flow_date_label: { pt_BR: 'Data da consulta', es: 'Fecha de la cita', en: 'Appointment date' },
	flow_date_helper: {
		pt_BR: 'Mostramos só os dias com horários livres.',
		es: 'Solo mostramos días con horarios libres.',
		en: 'Only days with free times are shown.',
	},
	flow_time_title: { pt_BR: 'Horário', es: 'Horario', en: 'Time' },
	flow_time_label: { pt_BR: 'Horários livres', es: 'Horarios libres', en: 'Free times' },
	flow_slot_taken: {
		pt_BR: 'Esse horário acabou de ser reservado por outra pessoa. Escolha outro:',
		es: 'Otra persona acaba de reservar ese horario. Elija otro:',
		en: 'Someone else just booked that time. Please choose another:',
	},
	flow_no_times: {
		pt_BR: 'Não há mais horários livres nesse dia. Escolha outra data.',
		es: 'Ya no quedan horarios libres ese día. Elija otra fecha.',
		en: 'No free times are left on that day. Please choose another date.',
	},
	flow_details_title: { pt_BR: 'Seus dados', es: 'Sus datos', en: 'Your details' },
	flow_name_label: { pt_BR: 'Nome completo', es: 'Nombre completo', en: 'Full name' },
	flow_birth_date_label: { pt_BR: 'Data de nascimento', es: 'Fecha de nacimiento', en: 'Date of birth' },
	flow_insurance_label: { pt_BR: 'Convênio', es: 'Seguro médico', en: 'Health insurance' },
	flow_phone_label: { pt_BR: 'Telefone (WhatsApp)', es: 'Teléfono (WhatsApp)', en: 'Phone (WhatsApp)' },
	flow_summary_title: { pt_BR: 'Confirmar', es: 'Confirmar', en: 'Confirm' },
	flow_summary_heading: { pt_BR: 'Confira sua consulta', es: 'Revise su cita', en: 'Check your appointment' },
	flow_summary_when: { pt_BR: 'Quando', es: 'Cuándo', en: 'When' },
	flow_summary_who: { pt_BR: 'Com', es: 'Con', en: 'With' },
	flow_summary_patient: { pt_BR: 'Paciente', es: 'Paciente', en: 'Patient' },
	flow_continue: { pt_BR: 'Continuar', es: 'Continuar', en: 'Continue' },
	flow_confirm: { pt_BR: 'Confirmar agendamento', es: 'Confirmar cita', en: 'Confirm booking' },
	// 427: the patient sees this when the Flow message is too old or not ours (Flow Trigger, Respond).
	flow_token_expired: {
		pt_BR: 'Este formulário expirou. Envie "oi" para receber um novo.',
		es: 'Este formulario caducó. Escriba "hola" para recibir uno nuevo.',
		en: 'This form has expired. Send "hi" to get a new one.',
	},
	// The button of the Flow message (at most 20 characters) and its body (Send Message → Send Flow).
	flow_cta: { pt_BR: 'Agendar consulta', es: 'Reservar cita', en: 'Book appointment' },
	flow_message_body: {
		pt_BR: 'Agende sua consulta em poucos toques: escolha a especialidade, o profissional e o horário.',
		es: 'Reserve su cita en pocos toques: elija la especialidad, el profesional y el horario.',
		en: 'Book your appointment in a few taps: choose the specialty, the practitioner and the time.',
	},
	// Validation notices of the details screen.
	flow_name_invalid: {
		pt_BR: 'Digite seu nome completo (nome e sobrenome).',
		es: 'Escriba su nombre completo (nombre y apellido).',
		en: 'Type your full name (first and last name).',
	},
	flow_birth_date_invalid: {
		pt_BR: 'Escolha uma data de nascimento válida.',
		es: 'Elija una fecha de nacimiento válida.',
		en: 'Choose a valid date of birth.',
	},
	// Workflow 09 (the data endpoint): the insurance choice for patients who pay themselves, and the word between
	// the date and the time on the summary screen ("terça-feira, 14/01/2026 às 09:30").
	flow_insurance_private: { pt_BR: 'Particular', es: 'Particular', en: 'Private (self-pay)' },
	flow_summary_at: { pt_BR: 'às', es: 'a las', en: 'at' },
} satisfies Record<string, Translations>;

export type FlowTextKey = keyof typeof FLOW_TEXTS;

/** Flow texts WhatsApp shows on a button (the Flow message's call to action): 20 characters at most. */
export const FLOW_LABEL_KEYS: readonly FlowTextKey[] = ['flow_cta'];
