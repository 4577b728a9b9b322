/** Flow management: create or update from a Flow JSON, validate, publish, deprecate, preview URL, list. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { appointmentBookingFlow } from '../../../core/flows/booking-flow';
import { FlowInputError } from '../../../core/flows/errors';
import { buildTextTable, DEFAULT_LANGUAGE, parseLanguage } from '../../../core/i18n';
import { validateFlowJson } from '../../../core/flows/flow-json';
import { FlowsClient, assertValidFlowJson } from '../../../core/flows/management';
import type { WhatsAppContext } from '../../shared/transport';

export interface FlowService {
	whatsApp: () => Promise<WhatsAppContext>;
}

async function flowsClient(service: FlowService) {
	const context = await service.whatsApp();
	return { flows: new FlowsClient(context.client), context };
}

/** A client and the Flow ID of item `i`, for the operations on one existing Flow. */
async function chosenFlow(ctx: IExecuteFunctions, i: number, service: FlowService) {
	const { flows } = await flowsClient(service);
	return { flows, flowId: String(ctx.getNodeParameter('flowId', i, '')).trim() };
}

/** The shipped booking Flow in the chosen language, its texts from the text table with the node's Texts on top. */
function bookingFlowJson(ctx: IExecuteFunctions, i: number): string {
	const language = parseLanguage(ctx.getNodeParameter('bookingFlowLanguage', i, 'pt_BR'), 'Flow Language');
	const texts = buildTextTable({
		defaultLanguage: DEFAULT_LANGUAGE,
		overrides: ctx.getNodeParameter('bookingFlowTexts', i, '{}'),
		field: 'Texts',
	});
	return JSON.stringify(appointmentBookingFlow(language, texts));
}

/** The Flow JSON text of item `i` (text field, binary file, or the shipped booking Flow with the clinic's texts). */
export async function readFlowJson(ctx: IExecuteFunctions, i: number): Promise<string> {
	const source = ctx.getNodeParameter('flowJsonSource', i, 'text') as string;
	if (source === 'bookingFlow') return bookingFlowJson(ctx, i);
	if (source === 'binary') {
		const property = String(ctx.getNodeParameter('binaryProperty', i, 'data')).trim();
		const binary = ctx.getInputData()[i].binary?.[property];
		if (!binary)
			throw new FlowInputError(`The item has no binary field "${property}"`, {
				field: 'Binary Field',
				hint: 'Read the .json file first (e.g. Read/Write Files from Disk) and name its binary field here.',
			});
		return (await ctx.helpers.getBinaryDataBuffer(i, property)).toString('utf8');
	}
	const value = ctx.getNodeParameter('flowJson', i, '') as unknown;
	return typeof value === 'string' ? value : JSON.stringify(value);
}

export async function validate(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const errors = validateFlowJson(await readFlowJson(this, i));
	return {
		valid: errors.length === 0,
		errorCount: errors.length,
		validationErrors: errors as unknown as IDataObject[],
	};
}

export async function createOrUpdate(
	this: IExecuteFunctions,
	i: number,
	service: FlowService,
): Promise<IDataObject> {
	const text = await readFlowJson(this, i);
	assertValidFlowJson(text);
	const { flows, context } = await flowsClient(service);
	const name = String(this.getNodeParameter('flowName', i, '')).trim();
	const categories = this.getNodeParameter('categories', i, []) as string[];
	const endpointUri = String(this.getNodeParameter('endpointUri', i, '') ?? '').trim();
	if (endpointUri && !/^https?:\/\//.test(endpointUri))
		throw new FlowInputError('Endpoint URI must start with https://', {
			field: 'Endpoint URI',
			hint: 'Copy the Production URL of the WhatsApp Flow Trigger.',
		});
	const existing = await flows.findByName(context.wabaId, name);
	let flowId = existing?.id;
	if (!flowId)
		flowId = await flows.create(context.wabaId, { name, categories, endpointUri: endpointUri || undefined });
	else if (endpointUri || categories.length)
		await flows.updateMetadata(flowId, { categories, endpointUri: endpointUri || undefined });
	const validationErrors = await flows.uploadFlowJson(flowId, text);
	let published = false;
	if (validationErrors.length === 0 && this.getNodeParameter('publishAfter', i, false))
		published = await flows.publish(flowId);
	const flow = await flows.get(flowId);
	return {
		flowId,
		name: flow.name || name,
		created: !existing,
		status: flow.status,
		published,
		validationErrors: validationErrors as IDataObject[],
	};
}

export async function publish(
	this: IExecuteFunctions,
	i: number,
	service: FlowService,
): Promise<IDataObject> {
	const { flows, flowId } = await chosenFlow(this, i, service);
	return { flowId, published: await flows.publish(flowId), status: (await flows.get(flowId)).status };
}

export async function deprecate(
	this: IExecuteFunctions,
	i: number,
	service: FlowService,
): Promise<IDataObject> {
	const { flows, flowId } = await chosenFlow(this, i, service);
	return { flowId, deprecated: await flows.deprecate(flowId), status: (await flows.get(flowId)).status };
}

export async function getPreviewUrl(
	this: IExecuteFunctions,
	i: number,
	service: FlowService,
): Promise<IDataObject> {
	const { flows, flowId } = await chosenFlow(this, i, service);
	return { flowId, ...(await flows.previewUrl(flowId)) };
}

export async function list(
	this: IExecuteFunctions,
	_i: number,
	service: FlowService,
): Promise<IDataObject[]> {
	const { flows, context } = await flowsClient(service);
	return (await flows.list(context.wabaId)).map(
		(flow) =>
			({
				id: flow.id,
				name: flow.name,
				status: flow.status,
				categories: flow.categories,
				validationErrors: flow.validationErrors,
			}) as IDataObject,
	);
}
