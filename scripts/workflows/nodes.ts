/**
 * Parameters (and whole nodes) the workflows use again and again: Code, Switch, Clinic Conversation, Audit Log,
 * Consent Check, Send Message, Appointment Slot Lookup.
 */
import { DEFAULT_TEXTS, type TextKey } from '../../core/i18n/texts';
import { CLINIC_RULES, SETTINGS } from './clinic-settings';
import { CRED, Flow, PKG, type Position } from './flow';

export const code = (
	js: string,
	mode: 'runOnceForAllItems' | 'runOnceForEachItem' = 'runOnceForAllItems',
) => ({
	mode,
	language: 'javaScript',
	jsCode: js.trim(),
});

/** A Switch (v3.2) in expression mode: `expression` gives the output index (0 … outputs − 1). */
export const switchNode = (f: Flow, name: string, pos: Position, expression: string, outputs: number) =>
	f.add(name, 'n8n-nodes-base.switch', 3.2, pos, {
		mode: 'expression',
		numberOutputs: outputs,
		output: `={{ ${expression} }}`,
	});

/** Clinic Conversation (Clinic Store credential): the clinic's language is set on every one. */
export const conversationNode = (
	f: Flow,
	name: string,
	pos: Position,
	parameters: Record<string, unknown>,
	texts = '{}',
) =>
	f.add(
		name,
		`${PKG}.clinicConversation`,
		1,
		pos,
		{ ...parameters, defaultLanguage: SETTINGS.language, texts, options: {} },
		{ credentials: CRED.store },
	);

/** Clinic Conversation · Get Conversation: the patient's language (and, with `textKey`, one text in it). */
export const patientLanguage = (
	f: Flow,
	name: string,
	pos: Position,
	patientExpr: string,
	text: { textKey: string; textVariables?: string } = { textKey: '' },
) =>
	conversationNode(
		f,
		name,
		pos,
		{ operation: 'getState', patient: `={{ ${patientExpr} }}`, textVariables: '{}', ...text },
		textsJson(text.textKey),
	);

/** Clinic Conversation · Set Conversation: put a patient on a step (language kept). */
export const setConversation = (
	f: Flow,
	name: string,
	pos: Position,
	patientExpr: string,
	step: 'idle' | 'lab_dob' | 'with_staff' | 'lab_sent',
	extra: { context?: string; keepHours?: number; textKey?: string; textVariables?: string } = {},
) =>
	conversationNode(
		f,
		name,
		pos,
		{
			operation: 'setState',
			patient: `={{ ${patientExpr} }}`,
			step,
			context: extra.context ?? '',
			keepHours: extra.keepHours ?? 24,
			textKey: extra.textKey ?? '',
			textVariables: extra.textVariables ?? '{}',
		},
		textsJson(extra.textKey),
	);

/** Audit Log · Append (auto-detected fields); `extra` overrides any default. */
export const audit = (
	f: Flow,
	name: string,
	pos: Position,
	purpose: string,
	extra: Record<string, unknown> = {},
) =>
	f.add(
		name,
		`${PKG}.auditLog`,
		1,
		pos,
		{ operation: 'append', direction: 'auto', purpose, includeContent: true, fields: {}, ...extra },
		{ credentials: CRED.store },
	);

/** A POST webhook that starts a workflow. */
export const webhook = (f: Flow, name: string, pos: Position, path: string, responseMode = 'onReceived') =>
	f.add(
		name,
		'n8n-nodes-base.webhook',
		2,
		pos,
		{ httpMethod: 'POST', path, responseMode, options: {} },
		{ webhookId: f.webhookId(name) },
	);

/** Consent Check · Check: Allowed (output 0) / Blocked (output 1) for one purpose. */
export const consentCheck = (f: Flow, name: string, pos: Position, recipient: string, purpose: string) =>
	f.add(
		name,
		`${PKG}.consentCheck`,
		1,
		pos,
		{ operation: 'check', recipient, userId: '', purpose, options: {} },
		{ credentials: CRED.store },
	);

/** WhatsApp Send Message · text. */
export const sendText = (
	f: Flow,
	name: string,
	pos: Position,
	recipient: string,
	text: string,
	options: Record<string, unknown> = {},
) =>
	f.add(
		name,
		`${PKG}.whatsAppSendMessage`,
		1,
		pos,
		{ operation: 'text', recipient, text, options },
		{ credentials: CRED.whatsApp },
	);

/** An Appointment Slot Lookup node on the Clinic Store credential; `extra` adds node settings. */
export const slotLookup = (
	f: Flow,
	name: string,
	pos: Position,
	parameters: Record<string, unknown>,
	extra: Record<string, unknown> = {},
) => f.add(name, `${PKG}.appointmentSlotLookup`, 1, pos, parameters, { credentials: CRED.store, ...extra });

/** Appointment Slot Lookup on the built-in scheduler with the demo clinic's rules; `fields` follow. */
export const builtinScheduler = (operation: string, fields: Record<string, unknown> = {}) => ({
	operation,
	backend: 'builtin',
	rulesSource: 'json',
	rulesJson: CLINIC_RULES,
	...fields,
});

/**
 * The texts a Clinic Conversation node that only reads or sets a conversation shows staff in its Texts field: the
 * one it adds to the item (the node falls back to the built-in table for every other text).
 */
export function textsJson(...keys: Array<string | undefined>): string {
	const own = keys.filter((k): k is TextKey => !!k && k in DEFAULT_TEXTS);
	return own.length
		? JSON.stringify(Object.fromEntries(own.map((k) => [k, DEFAULT_TEXTS[k]])), null, 2)
		: '{}';
}

/**
 * Find Free Slots in "WhatsApp list" mode, in the language of the conversation item `from` (the Clinic
 * Conversation node's output: `locale`, `texts`, and `reply` when the patient typed instead of tapping).
 */
export const slotListParams = (from = '$json') =>
	builtinScheduler('findSlots', {
		serviceId: 'consultation',
		daysAhead: 14,
		maxSlots: 10,
		output: 'whatsappList',
		listOptions: {
			body: `={{ ${from}.reply || ${from}.texts.slots_body }}`,
			button: `={{ ${from}.texts.slots_button }}`,
		},
		locale: `={{ ${from}.locale }}`,
	});
