/**
 * The Flows API of the Graph API in the simulator (Meta's "Flows API" guide; the calls core/flows/management.ts
 * makes, as in Meta's Postman collection):
 *
 *   POST /{waba-id}/flows            name, categories, flow_json?, endpoint_uri?, publish?  → {id, success, validation_errors?}
 *   GET  /{waba-id}/flows            ?fields=&limit=&after=                                  → {data, paging}
 *   GET  /{flow-id}                  ?fields=id,name,status,validation_errors,preview.invalidate(false),…
 *   POST /{flow-id}                  name?, categories?, endpoint_uri?                        → {success}
 *   POST /{flow-id}/assets           multipart file=flow.json, name=flow.json, asset_type=FLOW_JSON → {success, validation_errors}
 *   GET  /{flow-id}/assets           → {data: [{name, asset_type, download_url}]}
 *   POST /{flow-id}/publish          → {success}: validation errors, endpoint, public key and a ping health check first
 *   POST /{flow-id}/deprecate        → {success} (PUBLISHED only)
 */
import type { SimContext } from './context';
import { Errors } from './errors';
import { bodyFields, flowPublicKey } from './flows-encryption';
import { pingFlowEndpoint } from './flows-endpoint';
import { checkFlowJson } from './flows-validation';
import {
	FlowErrors,
	assertPublishable,
	createFlow,
	findFlow,
	flowFields,
	listFlows,
	setFlowJson,
	updateFlow,
	type SimFlow,
} from './flows-store';
import type { GraphRequest, GraphResponse } from './graph-routes';

const ok = (body: unknown): GraphResponse => ({ status: 200, body });

/** `?fields=a,b,preview.invalidate(false)` → only those (plus id), like Graph. */
function project(obj: Record<string, unknown>, fields: string | null): Record<string, unknown> {
	if (!fields) return obj;
	const out: Record<string, unknown> = {};
	for (const f of fields.split(',')) {
		const key = f.trim().replace(/[.{(].*$/, '');
		if (key in obj) out[key] = obj[key];
	}
	out.id = obj.id;
	return out;
}

/** The phone number of the WABA whose business key the client encrypts to (the first one that has a key). */
export function keyedPhone(ctx: SimContext): string | undefined {
	return ctx.options.phoneNumbers.find((p) => flowPublicKey(ctx, p.id))?.id;
}

async function publish(ctx: SimContext, flow: SimFlow): Promise<void> {
	const phoneId = keyedPhone(ctx);
	assertPublishable(flow, Boolean(phoneId));
	if (flow.dataApiVersion && flow.endpointUri && phoneId) {
		const failure = await pingFlowEndpoint(
			ctx,
			{ flowId: flow.id, url: flow.endpointUri, phoneId },
			flow.dataApiVersion,
		);
		if (failure)
			throw FlowErrors.publishFailed(
				'Endpoint health check failed',
				`The endpoint ${flow.endpointUri} did not pass the health check: ${failure}.`,
			);
	}
	flow.status = 'PUBLISHED';
	ctx.log(`flow ${flow.id} published`);
}

function flowJsonText(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	return typeof value === 'string' ? value : JSON.stringify(value);
}

const truthy = (v: unknown) => v === true || v === 'true' || v === '1';

async function createRoute(ctx: SimContext, req: GraphRequest): Promise<GraphResponse> {
	const p = bodyFields(req);
	const text = flowJsonText(p.flow_json);
	// A Flow JSON refused outright (not JSON, unsupported version) creates no Flow.
	const fatal = text === undefined ? undefined : checkFlowJson(text).fatal;
	if (fatal) throw FlowErrors.invalid(fatal.split(':')[0], fatal);
	const flow = createFlow(ctx, p);
	const body: Record<string, unknown> = { id: flow.id, success: true };
	if (text !== undefined) {
		body.validation_errors = setFlowJson(ctx, flow, text);
		if (truthy(p.publish) && flow.validationErrors.length === 0) await publish(ctx, flow);
	}
	return ok(body);
}

function listRoute(ctx: SimContext, req: GraphRequest): GraphResponse {
	const all = listFlows(ctx);
	const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 25) || 25, 1), 100);
	const after = req.query.get('after');
	const start = after ? all.findIndex((f) => f.id === Buffer.from(after, 'base64url').toString()) + 1 : 0;
	const page = all.slice(start, start + limit);
	const fields = req.query.get('fields') ?? 'id,name,status,categories,validation_errors';
	const body: Record<string, unknown> = { data: page.map((f) => project(flowFields(ctx, f), fields)) };
	if (page.length) {
		const cursor = (f: SimFlow) => Buffer.from(f.id).toString('base64url');
		const paging: Record<string, unknown> = {
			cursors: { before: cursor(page[0]), after: cursor(page[page.length - 1]) },
		};
		if (start + limit < all.length) {
			const next = new URL(req.url.toString());
			next.searchParams.set('after', cursor(page[page.length - 1]));
			paging.next = next.toString();
		}
		body.paging = paging;
	}
	return ok(body);
}

function assetText(req: GraphRequest): string {
	const p = bodyFields(req);
	if (p.asset_type !== undefined && p.asset_type !== 'FLOW_JSON')
		throw Errors.invalidParameter('Param asset_type must be FLOW_JSON.');
	const text = flowJsonText(p.file ?? p.flow_json);
	if (!text) throw Errors.requiredParameter('file');
	return text;
}

/** Handles the Flows API paths; undefined for every other path. */
export function handleFlowsGraph(ctx: SimContext, req: GraphRequest): Promise<GraphResponse> | undefined {
	const [objectId, edge, ...rest] = req.segments;
	if (rest.length || !objectId) return undefined;
	const m = req.method;
	if (objectId === ctx.options.wabaId && edge === 'flows') {
		if (m === 'POST') return createRoute(ctx, req);
		if (m === 'GET') return Promise.resolve(listRoute(ctx, req));
		return undefined;
	}
	const flow = findFlow(ctx, objectId);
	if (!flow) {
		// A Flow-shaped edge on an unknown ID: Meta's "Flow with specified ID does not exist".
		if (edge && ['assets', 'publish', 'deprecate'].includes(edge) && /^\d+$/.test(objectId))
			return Promise.reject(FlowErrors.notFound(objectId));
		return undefined;
	}
	const run = async (): Promise<GraphResponse> => {
		if (!edge && m === 'GET') return ok(project(flowFields(ctx, flow), req.query.get('fields')));
		if (!edge && m === 'POST') {
			updateFlow(ctx, flow, bodyFields(req));
			return ok({ success: true });
		}
		if (edge === 'assets' && m === 'POST')
			return ok({ success: true, validation_errors: setFlowJson(ctx, flow, assetText(req)) });
		if (edge === 'assets' && m === 'GET')
			return ok({
				data: flow.flowJson
					? [
							{
								name: 'flow.json',
								asset_type: 'FLOW_JSON',
								download_url: `${ctx.baseUrl}/_sim/flows/${flow.id}/flow.json`,
							},
						]
					: [],
			});
		if (edge === 'publish' && m === 'POST') {
			await publish(ctx, flow);
			return ok({ success: true });
		}
		if (edge === 'deprecate' && m === 'POST') {
			if (flow.status !== 'PUBLISHED')
				throw FlowErrors.invalid(
					'Flow can\u2019t be deprecated',
					`Only PUBLISHED Flows can be deprecated; this one is ${flow.status}.`,
				);
			flow.status = 'DEPRECATED';
			return ok({ success: true });
		}
		throw Errors.unknownPath(`/${req.segments.join('/')}`);
	};
	return run();
}
