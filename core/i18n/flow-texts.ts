/**
 * The shipped booking Flow's screen texts (core/flows/texts.ts, the source its Flow JSON files are generated from),
 * folded into the one text table as `flow_<name>` entries (`flow_slot_taken`, `flow_cta`…; en_US there is `en`
 * here), so the table lists every text a patient can see, the Flow's included.
 */
import { FLOW_TEXTS, type FlowTexts } from '../flows/texts';
import type { Translations } from './texts';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export const FLOW_TEXT_ENTRIES: Readonly<Record<string, Translations>> = Object.fromEntries(
	(Object.keys(FLOW_TEXTS.pt_BR) as Array<keyof FlowTexts>).map((key) => [
		`flow_${snake(key)}`,
		{ pt_BR: FLOW_TEXTS.pt_BR[key], es: FLOW_TEXTS.es[key], en: FLOW_TEXTS.en_US[key] },
	]),
);

/** Flow texts WhatsApp shows on a button (the Flow message's call to action): 20 characters at most. */
export const FLOW_LABEL_KEYS: readonly string[] = ['flow_cta'];
