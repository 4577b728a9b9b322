/**
 * What to tell a patient who joined the waitlist, or tapped "Take this time", in the node's Language (Brazilian
 * Portuguese first): joined; booked (with the time and practitioner), taken (stays on the list), expired, already
 * theirs. `null` when nothing should be sent (a second tap while the first is booking; an offer of another patient
 * or waitlist).
 */
import type { SlotLocale } from '../scheduling/types';
import type { ClaimOutcome } from './types';

type Texts = {
	joined: string;
	booked: (when: string, who: string) => string;
	taken: string;
	expired: string;
	already_claimed: string;
};

const TEXTS: Record<SlotLocale, Texts> = {
	'pt-BR': {
		joined: 'Pronto! Você está na lista de espera: avisaremos aqui assim que abrir um horário antes.',
		booked: (when, who) =>
			`Pronto! Sua consulta está marcada para ${when}${who ? ` com ${who}` : ''}. Até lá!`,
		taken:
			'Que pena: outro paciente confirmou esse horário primeiro. Você continua na lista de espera e avisaremos quando surgir outro.',
		expired:
			'Esta oferta expirou. Você continua na lista de espera e avisaremos quando surgir outro horário.',
		already_claimed: 'Esse horário já é seu: sua consulta está confirmada.',
	},
	es: {
		joined:
			'¡Listo! Está en la lista de espera: le avisaremos por aquí en cuanto se libere un horario antes.',
		booked: (when, who) => `¡Listo! Su cita quedó para ${when}${who ? ` con ${who}` : ''}. ¡Hasta pronto!`,
		taken:
			'Lo sentimos: otro paciente confirmó ese horario primero. Sigue en la lista de espera y le avisaremos cuando haya otro.',
		expired: 'Esta oferta venció. Sigue en la lista de espera y le avisaremos cuando haya otro horario.',
		already_claimed: 'Ese horario ya es suyo: su cita está confirmada.',
	},
	en: {
		joined: 'Done! You are on the waitlist: we will message you here as soon as an earlier time frees up.',
		booked: (when, who) =>
			`Done! Your appointment is booked for ${when}${who ? ` with ${who}` : ''}. See you then!`,
		taken:
			'Sorry, another patient took this time first. You stay on the waitlist and we will let you know when another time frees up.',
		expired:
			'This offer has expired. You stay on the waitlist and we will let you know when another time frees up.',
		already_claimed: 'This time is already yours: your appointment is confirmed.',
	},
};

export function claimReply(outcome: ClaimOutcome, locale: SlotLocale): string | null {
	const t = TEXTS[locale];
	if (outcome.claimed)
		return t.booked(
			outcome.appointment.label ?? outcome.appointment.start,
			outcome.appointment.practitioner?.name ?? '',
		);
	if (outcome.reason === 'taken' || outcome.reason === 'expired' || outcome.reason === 'already_claimed')
		return t[outcome.reason];
	return null;
}

/** What to tell a patient who joined (or updated their place on) the waitlist. */
export function joinReply(locale: SlotLocale): string {
	return TEXTS[locale].joined;
}
