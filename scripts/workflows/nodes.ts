/** Parameters (and whole nodes) the workflows use again and again: Code, Switch, data table, Audit Log, Consent Check. */
import { CLINIC_RULES } from './clinic-settings';
import { CRED, Flow, PKG, STATE_TABLE, type Position } from './flow';

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

export const dataTableRef = { __rl: true, mode: 'name', value: STATE_TABLE };

/** Data table row lookup of one patient's conversation (always outputs, so the flow goes on when none). */
export const getConversation = (patientExpr: string) => ({
	resource: 'row',
	operation: 'get',
	dataTableId: dataTableRef,
	matchType: 'allConditions',
	filters: { conditions: [{ keyName: 'patient', condition: 'eq', keyValue: `={{ ${patientExpr} }}` }] },
	limit: 1,
});

/** Upsert of a conversation row: patient, step, context (JSON text). */
export const saveConversation = (patientExpr: string, stepExpr: string, contextExpr: string) => ({
	resource: 'row',
	operation: 'upsert',
	dataTableId: dataTableRef,
	matchType: 'allConditions',
	filters: { conditions: [{ keyName: 'patient', condition: 'eq', keyValue: `={{ ${patientExpr} }}` }] },
	columns: {
		mappingMode: 'defineBelow',
		value: {
			patient: `={{ ${patientExpr} }}`,
			step: `={{ ${stepExpr} }}`,
			context: `={{ ${contextExpr} }}`,
		},
		matchingColumns: [],
		schema: [
			{
				id: 'patient',
				displayName: 'patient',
				required: false,
				defaultMatch: false,
				display: true,
				type: 'string',
				canBeUsedToMatch: true,
			},
			{
				id: 'step',
				displayName: 'step',
				required: false,
				defaultMatch: false,
				display: true,
				type: 'string',
				canBeUsedToMatch: true,
			},
			{
				id: 'context',
				displayName: 'context',
				required: false,
				defaultMatch: false,
				display: true,
				type: 'string',
				canBeUsedToMatch: true,
			},
		],
		attemptToConvertTypes: false,
		convertFieldsToString: false,
	},
	options: {},
});

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

/** Find Free Slots in "WhatsApp list" mode. */
export const slotListParams = () =>
	builtinScheduler('findSlots', {
		serviceId: 'consultation',
		daysAhead: 14,
		maxSlots: 10,
		output: 'whatsappList',
		listOptions: { body: 'Choose a time for your appointment:', button: 'See times' },
		locale: 'en',
	});
