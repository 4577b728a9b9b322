/**
 * The patient's language, chosen in this order (the first that says something wins):
 *
 * 1. `picked`: what the patient chose (a language button, or typing "English" / "Español" / "Português");
 * 2. `written`: the language of the message being answered (detect.ts) — strong evidence always, weak evidence
 *    (a lone "Hi") only where a conversation starts — else the language earlier messages were written in;
 * 3. `phone`: the country of the patient's phone number (libphonenumber-js; Lusophone → pt_BR, Hispanophone → es,
 *    US/GB/CA/AU/IE/NZ → en), or of their WhatsApp user ID (`BR.…`);
 * 4. `default`: the clinic's default language (a node setting; pt_BR as shipped).
 */
import { languageForIdentity } from '../consent/identity';
import { detectLanguage, type Evidence } from './detect';
import { type Language, matchLanguage } from './languages';
import { normaliseText } from './normalise';

export type LanguageSource = 'picked' | 'written' | 'phone' | 'default';

export interface LanguageChoiceInput {
	/** The language the patient picked earlier (kept in the conversation state). */
	picked?: Language | null;
	/** The message being answered (typed text only: a tapped button's title is not the patient's writing). */
	text?: string | null;
	/** The language earlier messages were written in (kept in the conversation state). */
	written?: Language | null;
	/** Whether weak evidence (one greeting word) may choose the language (not while answering questions). */
	acceptWeak?: boolean;
	/** The sender: phone number (wa_id digits or E.164) and/or WhatsApp user ID. */
	phone?: string | null;
	userId?: string | null;
	clinicDefault: Language;
	/** Turn steps 2 and 3 off (node options). */
	detectFromText?: boolean;
	useCountry?: boolean;
}

export interface LanguageChoice {
	language: Language;
	source: LanguageSource;
	/** What this message's text said (to remember as `written`), or null. */
	detected: Language | null;
	evidence: Evidence | null;
}

/** The language a phone number's (or user ID's) country suggests, or null. */
export function languageOfSender(phone?: string | null, userId?: string | null): Language | null {
	const digits = typeof phone === 'string' ? phone.replace(/[^\d]/g, '') : '';
	const short = languageForIdentity({
		phone: digits ? `+${digits}` : null,
		userId: typeof userId === 'string' && userId ? userId : null,
	});
	return short ? matchLanguage(short) : null;
}

/**
 * A message that only names a language ("English", "español", "Português", "idioma inglés"…): the patient picking
 * it by typing. Anything longer than three words is an ordinary message.
 */
export function typedLanguagePick(text: string | null | undefined): Language | null {
	if (typeof text !== 'string') return null;
	const words = normaliseText(text)
		.split(' ')
		.filter((w) => w && !['idioma', 'lingua', 'language', 'em', 'en', 'in', 'brasil', 'brazil'].includes(w));
	if (words.length !== 1 || normaliseText(text).split(' ').length > 3) return null;
	const names: Record<string, Language> = {
		portugues: 'pt_BR',
		portuguese: 'pt_BR',
		espanol: 'es',
		espanhol: 'es',
		spanish: 'es',
		castellano: 'es',
		english: 'en',
		ingles: 'en',
	};
	return names[words[0]] ?? null;
}

export function chooseLanguage(input: LanguageChoiceInput): LanguageChoice {
	const detection = input.detectFromText === false ? null : input.text ? detectLanguage(input.text) : null;
	const usable =
		detection?.language &&
		(detection.evidence === 'strong' || (detection.evidence === 'weak' && input.acceptWeak === true));
	const detected = usable ? (detection!.language as Language) : null;
	const evidence = usable ? detection!.evidence : null;
	if (input.picked) return { language: input.picked, source: 'picked', detected, evidence };
	if (detected) return { language: detected, source: 'written', detected, evidence };
	if (input.written && input.detectFromText !== false)
		return { language: input.written, source: 'written', detected, evidence };
	if (input.useCountry !== false) {
		const byCountry = languageOfSender(input.phone, input.userId);
		if (byCountry) return { language: byCountry, source: 'phone', detected, evidence };
	}
	return { language: input.clinicDefault, source: 'default', detected, evidence };
}
