/**
 * Which of pt_BR / es / en a patient's message is written in: a small word-list scorer, enough to tell the three
 * apart in the short messages patients send ("Hola, quiero una cita", "Oi, bom dia", "Is my result normal?").
 *
 * Each language has a list of common words that the other two do not share (words both Portuguese and Spanish use,
 * such as "consulta", "que", "por favor", are in no list). A message scores one point per listed word, plus one
 * per letter only one language writes (ã õ ç ê ô â à: Portuguese; ñ ¿ ¡: Spanish), at most two such points.
 *
 * - `strong`: the best language has at least 2 points and at least twice the runner-up's: a sentence.
 * - `weak`: the best language has 1 point more than each other (a lone "Hi", "Oi", "Hola"): enough to start a
 *   conversation in, never enough to switch language in the middle of answering questions ("none", a name).
 * - otherwise null (names, dates, numbers, emoji, mixed text).
 */
import type { Language } from './languages';
import { normaliseText } from './normalise';

export type Evidence = 'strong' | 'weak';

export interface Detection {
	language: Language | null;
	evidence: Evidence | null;
	scores: Record<Language, number>;
}

const words = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/).filter(Boolean));

/** Accent-free, lower-case (see normaliseText). Kept distinct from the other two lists. */
export const WORD_LISTS: Readonly<Record<Language, ReadonlySet<string>>> = {
	pt_BR: words(`
		oi ola e da obrigado obrigada obg voce voces vc nao sim quero queria gostaria marcar agendar bom boa noite
		tudo bem meu minha meus minhas estou tenho preciso fazer hoje amanha ajuda com uma um dos das na nas isso
		esse essa sou eu pra pro pode posso tambem muito quando onde entao ainda agora ja falar enfermeira remarcar
		exame exames nome nascimento convenio plano saude voltar tchau beleza valeu seu sua ai dela dele doutora
		dor estava fiquei melhor ajudar`),
	es: words(`
		hola gracias usted ustedes quiero quisiera cita citas reservar buenos buenas noches si el los las del al una
		un con estoy tengo necesito hacer hoy manana ayuda mi mis yo es pero cuando donde tambien muy mucho ya
		hablar enfermera nombre nacimiento salud y bien puedo puede hay soy senor senora disculpe
		perdon adios hasta luego ahora su sus dolor mejor ayudar podria reprogramar`),
	en: words(`
		hi hello hey thanks thank you please want would like book appointment the and is are my i im have need to
		for with can could nurse good morning afternoon evening yes what when where how this that it be help time
		today tomorrow results result name birth insurance none of in on at an was am your there here not dont
		cant will just feel feeling better pain question`),
};

const PT_LETTERS = /[ãõçêôâà]/giu;
const ES_LETTERS = /[ñ¿¡]/giu;

export function detectLanguage(text: string | null | undefined): Detection {
	const scores: Record<Language, number> = { pt_BR: 0, es: 0, en: 0 };
	if (typeof text !== 'string' || text.trim() === '') return { language: null, evidence: null, scores };
	for (const word of normaliseText(text).split(' ')) {
		for (const language of Object.keys(WORD_LISTS) as Language[])
			if (WORD_LISTS[language].has(word)) scores[language] += 1;
	}
	scores.pt_BR += Math.min(2, text.match(PT_LETTERS)?.length ?? 0);
	scores.es += Math.min(2, text.match(ES_LETTERS)?.length ?? 0);
	const ranked = (Object.keys(scores) as Language[]).sort((a, b) => scores[b] - scores[a]);
	const [best, second] = [scores[ranked[0]], scores[ranked[1]]];
	if (best >= 2 && best >= 2 * second) return { language: ranked[0], evidence: 'strong', scores };
	if (best >= 1 && best > second) return { language: ranked[0], evidence: 'weak', scores };
	return { language: null, evidence: null, scores };
}
