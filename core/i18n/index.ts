/** Languages and the one text table (n8n-free): what every patient-facing text is written in and how it is chosen. */
export {
	DEFAULT_LANGUAGE,
	LANGUAGES,
	LANGUAGE_NAMES,
	type Language,
	localeOf,
	matchLanguage,
	parseLanguage,
	shortLanguage,
	templateLanguage,
} from './languages';
export { DEFAULT_TEXTS, LABEL_KEYS, TEXT_VARIABLES, type TextKey, type Translations } from './texts';
export {
	TEXTS_FIELD,
	buildTextTable,
	fill,
	type TextTable,
	type TextTableOptions,
	type Variables,
} from './table';
export { WORD_LISTS, detectLanguage, type Detection, type Evidence } from './detect';
export {
	chooseLanguage,
	languageOfSender,
	typedLanguagePick,
	type LanguageChoice,
	type LanguageChoiceInput,
	type LanguageSource,
} from './choose';
export { normaliseText } from './normalise';
export { FLOW_LABEL_KEYS, FLOW_TEXTS, type FlowTextKey } from './flow-texts';
export { NODE_LABEL_KEYS, NODE_TEXT_VARIABLES, NODE_TEXTS, type NodeTextKey } from './node-texts';
