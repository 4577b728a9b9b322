/**
 * The one text normalisation the language tools share (consent keywords, language detection, typed language
 * names): Unicode NFKD, accents stripped, lower-case, every character that is not a letter or a digit
 * (punctuation, emoji, symbols) becomes a space, whitespace collapsed. "  SAÍR!! 🙏" → "sair".
 */
export function normaliseText(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}
