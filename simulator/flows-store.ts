/**
 * The simulator's WhatsApp Flows of the WABA, with Meta's life cycle (Flows API, docs/simulator.md "Flows"):
 * a Flow is created DRAFT; its Flow JSON (the `FLOW_JSON` asset) can be replaced while it is DRAFT; publishing
 * needs a Flow JSON without validation errors, an `endpoint_uri` when the JSON has `data_api_version`, a business
 * public key on the number and a healthy endpoint (a `ping` health check); a PUBLISHED Flow can no longer be
 * edited (139001) and can be DEPRECATED. Flows are configuration: `POST /_sim/reset` keeps them, like templates.
 *
 * Management error codes follow Meta's Flows error-code table: 100 (name not unique, invalid Flow JSON version,
 * Flow does not exist), 139001 (Flow can't be updated), 139002 (publishing failed). Bodies carry
 * `error_user_title` / `error_user_msg` like Meta's.
 */
import type { SimContext } from './context';
import { GraphError } from './errors';
import { checkFlowJson, type FlowValidationError, type Rec } from './flows-validation';

export type FlowStatus = 'DRAFT' | 'PUBLISHED' | 'DEPRECATED' | 'BLOCKED' | 'THROTTLED';

export const FLOW_CATEGORIES = [
	'SIGN_UP',
	'SIGN_IN',
	'APPOINTMENT_BOOKING',
	'LEAD_GENERATION',
	'SHOPPING',
	'CONTACT_US',
	'CUSTOMER_SUPPORT',
	'SURVEY',
	'OTHER',
];

export interface SimFlow {
	id: string;
	name: string;
	categories: string[];
	status: FlowStatus;
	endpointUri?: string;
	/** The uploaded flow.json text and its parse. */
	flowJson?: string;
	flow?: Rec;
	jsonVersion?: string;
	dataApiVersion?: string;
	validationErrors: FlowValidationError[];
	updatedAt: number;
}

/** A Flows API error: Graph's body plus Meta's user-facing title and message. */
export class FlowGraphError extends GraphError {
	constructor(
		httpStatus: number,
		code: number,
		message: string,
		readonly userTitle: string,
		readonly userMsg: string,
		subcode?: number,
	) {
		super(httpStatus, code, message, undefined, subcode);
	}

	override toBody(): { error: Record<string, unknown> } {
		const body = super.toBody();
		body.error.error_user_title = this.userTitle;
		body.error.error_user_msg = this.userMsg;
		body.error.is_transient = false;
		return body;
	}
}

export const FlowErrors = {
	invalid: (title: string, msg: string) => new FlowGraphError(400, 100, 'Invalid parameter', title, msg),
	notFound: (id: string) =>
		new FlowGraphError(
			400,
			100,
			'Invalid parameter',
			'Flow with specified ID does not exist',
			`Flow with id ${id} does not exist or you don't have access to it.`,
		),
	cantUpdate: (msg: string) =>
		new FlowGraphError(400, 139001, 'Flow can\u2019t be updated', 'Flow can\u2019t be updated', msg),
	publishFailed: (title: string, msg: string) =>
		new FlowGraphError(400, 139002, 'Publishing failed', title, msg),
};

interface FlowsState {
	flows: Map<string, SimFlow>;
	next: number;
}
const stores = new WeakMap<SimContext, FlowsState>();

function stateOf(ctx: SimContext): FlowsState {
	let s = stores.get(ctx);
	if (!s) stores.set(ctx, (s = { flows: new Map(), next: 1 }));
	return s;
}

export function listFlows(ctx: SimContext): SimFlow[] {
	return [...stateOf(ctx).flows.values()];
}

export function findFlow(ctx: SimContext, id: string): SimFlow | undefined {
	return stateOf(ctx).flows.get(id);
}

/** The Flow a message names: `flow_id`, else `flow_name` (Meta accepts either). */
export function flowByIdOrName(ctx: SimContext, id?: string, name?: string): SimFlow | undefined {
	if (id) return findFlow(ctx, id);
	return name ? listFlows(ctx).find((f) => f.name === name) : undefined;
}

function categoriesOf(value: unknown, required: boolean): string[] | undefined {
	let list = value;
	if (typeof value === 'string') {
		try {
			list = value.trim().startsWith('[') ? JSON.parse(value) : value.split(',');
		} catch {
			list = undefined;
		}
	}
	if (list === undefined && !required) return undefined;
	if (!Array.isArray(list) || !list.length)
		throw FlowErrors.invalid('Missing categories', 'Give the Flow at least one category.');
	const out = list.map((c) => String(c).trim().toUpperCase());
	const bad = out.find((c) => !FLOW_CATEGORIES.includes(c));
	if (bad)
		throw FlowErrors.invalid(
			'Invalid category',
			`Category ${bad} is not one of ${FLOW_CATEGORIES.join(', ')}.`,
		);
	return out;
}

function endpointOf(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value))
		throw FlowErrors.invalid('Invalid endpoint URI', 'endpoint_uri must be an https URL.');
	return value;
}

export function createFlow(ctx: SimContext, p: Rec): SimFlow {
	const name = typeof p.name === 'string' ? p.name.trim() : '';
	if (!name) throw FlowErrors.invalid('Missing name', 'The parameter name is required.');
	if (listFlows(ctx).some((f) => f.name === name))
		throw FlowErrors.invalid(
			'Flow name is not unique',
			`A Flow named ${name} already exists in this WhatsApp Business Account. Use a different name.`,
		);
	const state = stateOf(ctx);
	const flow: SimFlow = {
		id: String(500000000000000 + state.next++),
		name,
		categories: categoriesOf(p.categories, true) ?? [],
		status: 'DRAFT',
		endpointUri: endpointOf(p.endpoint_uri),
		validationErrors: [],
		updatedAt: ctx.clock.now(),
	};
	state.flows.set(flow.id, flow);
	ctx.log(`flow ${flow.id} created: ${name}`);
	return flow;
}

/** Metadata update (`POST /{flow-id}`): name, categories, endpoint_uri. */
export function updateFlow(ctx: SimContext, flow: SimFlow, p: Rec): void {
	if (flow.status === 'DEPRECATED')
		throw FlowErrors.cantUpdate('A deprecated Flow cannot be updated. Clone it into a new Flow.');
	const name = typeof p.name === 'string' ? p.name.trim() : undefined;
	if (name && listFlows(ctx).some((f) => f.name === name && f.id !== flow.id))
		throw FlowErrors.invalid('Flow name is not unique', `A Flow named ${name} already exists.`);
	const categories = categoriesOf(p.categories, false);
	if (name) flow.name = name;
	if (categories) flow.categories = categories;
	if ('endpoint_uri' in p) flow.endpointUri = endpointOf(p.endpoint_uri);
	flow.updatedAt = ctx.clock.now();
}

/** Replaces the Flow JSON (only while DRAFT, like Meta); returns its validation errors. */
export function setFlowJson(ctx: SimContext, flow: SimFlow, text: string): FlowValidationError[] {
	if (flow.status !== 'DRAFT')
		throw FlowErrors.cantUpdate(
			`The Flow is ${flow.status}: only DRAFT Flows can be updated. Clone it into a new Flow to change it.`,
		);
	const check = checkFlowJson(text);
	if (check.fatal) throw FlowErrors.invalid(check.fatal.split(':')[0], check.fatal);
	flow.flowJson = text;
	flow.flow = check.flow;
	flow.jsonVersion = check.jsonVersion;
	flow.dataApiVersion = check.dataApiVersion;
	flow.validationErrors = check.errors;
	flow.updatedAt = ctx.clock.now();
	ctx.log(`flow ${flow.id} Flow JSON uploaded (${check.errors.length} validation error(s))`);
	return check.errors;
}

/** The checks Meta makes before publishing, except the endpoint health check (flows-graph.ts runs it). */
export function assertPublishable(flow: SimFlow, hasPublicKey: boolean): void {
	if (flow.status !== 'DRAFT')
		throw FlowErrors.publishFailed(
			'Publishing Flow in invalid state',
			`The Flow is ${flow.status}, not DRAFT.`,
		);
	if (!flow.flowJson)
		throw FlowErrors.publishFailed('Publishing Flow without Flow JSON', 'Upload the Flow JSON first.');
	if (flow.validationErrors.length)
		throw FlowErrors.publishFailed(
			'Publishing Flow with validation errors',
			`The Flow JSON has ${flow.validationErrors.length} validation error(s): fix them and upload it again.`,
		);
	if (!flow.dataApiVersion) return;
	if (!flow.endpointUri)
		throw FlowErrors.publishFailed(
			'No endpoint URI found',
			'The Flow JSON has data_api_version: set the Flow\u2019s endpoint_uri before publishing.',
		);
	if (!hasPublicKey)
		throw FlowErrors.publishFailed(
			'Missing Flows signed public key',
			'Upload a business public key for the phone number (POST /{phone-number-id}/whatsapp_business_encryption).',
		);
}

export function flowFields(ctx: SimContext, flow: SimFlow): Rec {
	return {
		id: flow.id,
		name: flow.name,
		status: flow.status,
		categories: flow.categories,
		validation_errors: flow.validationErrors,
		...(flow.jsonVersion ? { json_version: flow.jsonVersion } : {}),
		...(flow.dataApiVersion ? { data_api_version: flow.dataApiVersion } : {}),
		...(flow.endpointUri ? { endpoint_uri: flow.endpointUri } : {}),
		preview: {
			preview_url: `${ctx.baseUrl}/_sim/flows/preview/${flow.id}`,
			expires_at: new Date(ctx.clock.now() + 30 * 24 * 3600e3).toISOString().replace(/\.\d+Z$/, '+0000'),
		},
		health_status: {
			can_send_message: flow.status === 'PUBLISHED' ? 'AVAILABLE' : 'BLOCKED',
			entities: [],
		},
		whatsapp_business_account: { id: ctx.options.wabaId },
	};
}
