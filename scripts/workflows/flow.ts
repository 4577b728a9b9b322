/**
 * Tiny builder for the ship-ready workflows in workflows/*.json (run `tsx scripts/workflows/build.ts`).
 * Node type names are the real ones n8n registers; credentials are referenced by placeholder names that a
 * clinic replaces by picking its own credential after import.
 */
import { createHash } from 'node:crypto';

export const PKG = 'n8n-nodes-whatsapp-clinic';
export const CRED = {
	whatsApp: { whatsAppClinicApi: { id: 'REPLACE_ME', name: 'WhatsApp Cloud API (simulator)' } },
	store: { clinicStoreApi: { id: 'REPLACE_ME', name: 'Clinic Store (SQLite)' } },
	both: {},
};
/** The data table the workflows keep conversation state in (create it once: see the sticky notes). */
export const STATE_TABLE = 'wac_conversations';

export interface NodeJson {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	alwaysOutputData?: boolean;
	onError?: string;
	notes?: string;
	[key: string]: unknown;
}

/** Stable ids derived from names, so regenerated files diff cleanly. */
function stableUuid(seed: string): string {
	const h = createHash('sha256').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Flow {
	nodes: NodeJson[] = [];
	connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	private stickies = 0;

	constructor(
		readonly name: string,
		readonly slug: string,
	) {}

	add(
		name: string,
		type: string,
		typeVersion: number,
		position: [number, number],
		parameters: Record<string, unknown>,
		extra: Partial<NodeJson> = {},
	): string {
		const node: NodeJson = {
			id: stableUuid(`${this.slug}/${name}`),
			name,
			type,
			typeVersion,
			position,
			parameters,
			...extra,
		};
		this.nodes.push(node);
		return name;
	}

	/** Connects output `output` of `from` to input 0 of each target. */
	connect(from: string, to: string | string[], output = 0): void {
		const entry = (this.connections[from] ??= { main: [] });
		while (entry.main.length <= output) entry.main.push([]);
		for (const target of Array.isArray(to) ? to : [to])
			entry.main[output].push({ node: target, type: 'main', index: 0 });
	}

	chain(...names: string[]): void {
		for (let i = 0; i < names.length - 1; i++) this.connect(names[i], names[i + 1]);
	}

	sticky(content: string, position: [number, number], width = 420, height = 300, color = 4): void {
		this.stickies += 1;
		this.add(`Note ${this.stickies}`, 'n8n-nodes-base.stickyNote', 1, position, {
			content,
			width,
			height,
			color,
		});
	}

	webhookId(nodeName: string): string {
		return stableUuid(`${this.slug}/${nodeName}/webhook`);
	}

	toJSON(): Record<string, unknown> {
		return {
			name: this.name,
			nodes: this.nodes,
			connections: this.connections,
			settings: { executionOrder: 'v1', saveManualExecutions: true, timezone: 'America/Sao_Paulo' },
			pinData: {},
			meta: { templateCredsSetupCompleted: false },
			tags: [],
		};
	}
}

// ---- node helpers -------------------------------------------------------------------------------------------

export const code = (
	js: string,
	mode: 'runOnceForAllItems' | 'runOnceForEachItem' = 'runOnceForAllItems',
) => ({
	mode,
	language: 'javaScript',
	jsCode: js.trim(),
});

/** Switch (v3.2) in expression mode: the expression returns the output index. */
export const switchByIndex = (expression: string, outputs: number) => ({
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

type Position = [number, number];

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
