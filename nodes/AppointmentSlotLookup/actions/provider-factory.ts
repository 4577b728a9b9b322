/**
 * Builds the SchedulingProvider an item asks for (built-in rules + Clinic Store, FHIR R4 server or Cal.com) from the
 * node parameters and credentials. `SlotProviders` is what the router's `open` gives every operation: one provider
 * per distinct configuration within an execution, so items that share settings share the provider (and its rules).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ClinicError } from '../../../core/errors';
import { normalizeLocale } from '../../../core/scheduling/labels';
import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { BuiltinSchedulingProvider } from '../../../core/scheduling/providers/builtin';
import { CalcomSchedulingProvider } from '../../../core/scheduling/providers/calcom';
import { FhirSchedulingProvider } from '../../../core/scheduling/providers/fhir';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import { type ClinicRules, parseClinicRules } from '../../../core/scheduling/rules';
import {
	SchedulingInputError,
	type SchedulingBackend,
	type SlotLocale,
} from '../../../core/scheduling/types';
import { settle } from '../../../core/settle';
import { createHttpSender } from '../../shared/http';
import { getClinicStore } from '../../shared/store';
import { rulesFromFields } from '../helpers/rules-fields';

/** Parsed clinic rules by their source text (parsing and validating is the costly part of a built-in provider). */
const rulesCache = new Map<string, ClinicRules>();

function readRules(ctx: IExecuteFunctions, i: number): ClinicRules {
	const source = ctx.getNodeParameter('rulesSource', i, 'fields') as string;
	let input: unknown;
	if (source === 'json') input = ctx.getNodeParameter('rulesJson', i, '') as unknown;
	else {
		input = rulesFromFields({
			timeZone: ctx.getNodeParameter('timeZone', i, ''),
			settings: ctx.getNodeParameter('settings', i, {}) as IDataObject,
			openingHours: ctx.getNodeParameter('openingHours', i, {}),
			breaks: ctx.getNodeParameter('breaks', i, {}),
			closures: ctx.getNodeParameter('closures', i, {}),
			services: ctx.getNodeParameter('services', i, {}),
			practitioners: ctx.getNodeParameter('practitioners', i, {}),
		});
	}
	const key = typeof input === 'string' ? input : JSON.stringify(input);
	let rules = rulesCache.get(key);
	if (!rules) {
		rules = parseClinicRules(input);
		if (rulesCache.size > 50) rulesCache.clear();
		rulesCache.set(key, rules);
	}
	return rules;
}

/** The Language parameter of item `i` (labels and WhatsApp list texts). */
export function readLocale(ctx: IExecuteFunctions, i: number): SlotLocale {
	return normalizeLocale(ctx.getNodeParameter('locale', i, 'pt-BR') as string);
}

/** The providers of one execution, by configuration. */
export class SlotProviders {
	private readonly cache = new Map<string, SchedulingProvider>();

	constructor(private readonly ctx: IExecuteFunctions) {}

	/** The provider for item `i` (built on first use of its configuration). */
	async forItem(i: number): Promise<SchedulingProvider> {
		const backend = this.ctx.getNodeParameter('backend', 0) as SchedulingBackend;
		const locale = readLocale(this.ctx, i);
		if (backend === 'builtin') return await this.builtin(i, locale);
		const timeZone = String(this.ctx.getNodeParameter('clinicTimeZone', i, 'UTC') || 'UTC');
		if (backend === 'fhir') return await this.fhir(i, locale, timeZone);
		if (backend === 'calcom') return await this.calcom(i, locale, timeZone);
		throw new SchedulingInputError(`Unknown scheduling system "${String(backend)}"`, 'backend');
	}

	private async cached(key: string, build: () => Promise<SchedulingProvider>): Promise<SchedulingProvider> {
		let provider = this.cache.get(key);
		if (!provider) {
			provider = await build();
			this.cache.set(key, provider);
		}
		return provider;
	}

	private async builtin(i: number, locale: SlotLocale): Promise<SchedulingProvider> {
		const rules = readRules(this.ctx, i);
		const calendarId = String(this.ctx.getNodeParameter('calendarId', i, 'default') || 'default');
		return await this.cached(`b|${calendarId}|${locale}|${JSON.stringify(rules)}`, async () => {
			const store = await settle(async () => await getClinicStore(this.ctx, i));
			if (!store.ok) {
				throw new ClinicError('The built-in scheduler needs a Clinic Store credential', {
					code: 'clinic_store_required',
					kind: 'config',
					field: 'Clinic Store credential',
					hint: `Bookings must survive restarts and be shared by all workers, so they live in the clinic store. Select or create a "Clinic Store" credential on this node. (${(store.error as Error).message})`,
					cause: store.error,
				});
			}
			return new BuiltinSchedulingProvider({
				rules,
				repository: new SqlBookingRepository(store.value, calendarId),
				locale,
			});
		});
	}

	private async fhir(i: number, locale: SlotLocale, timeZone: string): Promise<SchedulingProvider> {
		return await this.cached(`f|${timeZone}|${locale}`, async () => {
			const credentials = await this.ctx.getCredentials('fhirServerApi', i);
			return new FhirSchedulingProvider({
				baseUrl: String(credentials.baseUrl ?? ''),
				send: createHttpSender(this.ctx, 'fhirServerApi', { refreshOn401: true }),
				timeZone,
				locale,
			});
		});
	}

	private async calcom(i: number, locale: SlotLocale, timeZone: string): Promise<SchedulingProvider> {
		const eventTypeId = Number(this.ctx.getNodeParameter('eventTypeId', i, 0));
		const practitionerName =
			String(this.ctx.getNodeParameter('calPractitionerName', i, '') || '') || undefined;
		return await this.cached(`c|${timeZone}|${locale}|${eventTypeId}|${practitionerName}`, async () => {
			const credentials = await this.ctx.getCredentials('calComApi', i);
			return new CalcomSchedulingProvider({
				baseUrl: String(credentials.baseUrl || 'https://api.cal.com'),
				send: createHttpSender(this.ctx, 'calComApi', { refreshOn401: true }),
				eventTypeId,
				timeZone,
				locale,
				practitionerName,
			});
		});
	}
}
