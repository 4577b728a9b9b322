/**
 * The parameters shared by WhatsApp Send Template and WhatsApp Send Message (Recipient and the common options) and
 * how they are read: `readMps`, `readRecipient`, `readDefaultCountry` (errors name the parameter and the fix) and
 * `withParameterCache` (parameters without expressions are evaluated once per run, not once per item; a plain
 * `{{ $json.field }}` is read from the item).
 */
import type { IExecuteFunctions, IGetNodeParameterOptions, INodeProperties } from 'n8n-workflow';
import type { CountryCode } from 'libphonenumber-js';

import { ClinicError } from '../../core/errors';
import { parseDefaultCountry, parseRecipient, type Recipient } from '../../core/whatsapp/phone';
import { DEFAULT_MPS, MAX_MPS } from '../../core/whatsapp/rate-limiter';
import { plainJsonPath, plainJsonValue } from './plain-json-expression';

export const recipientProperty: INodeProperties = {
	displayName: 'Recipient',
	name: 'recipient',
	type: 'string',
	default: '',
	required: true,
	placeholder: '+5511912345678',
	description:
		"The patient's WhatsApp phone number (any format: +55 11 91234-5678, 5511912345678) or their WhatsApp user ID (e.g. BR.13491208655302741918)",
	hint: 'Local numbers without a country code need the Default Country option',
};

export const defaultCountryOption: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountry',
	type: 'string',
	default: '',
	placeholder: 'BR',
	description:
		'Two-letter country code used for phone numbers written without a country code, e.g. BR turns (11) 91234-5678 into +5511912345678',
};

export const messagesPerSecondOption: INodeProperties = {
	displayName: 'Messages per Second',
	name: 'messagesPerSecond',
	type: 'number',
	default: DEFAULT_MPS,
	typeOptions: { minValue: 1, maxValue: MAX_MPS },
	description:
		'Sending pace for this WhatsApp number, shared by every workflow in this n8n process; in queue mode with a PostgreSQL Clinic Store credential, by every worker. WhatsApp allows 80 per second by default and up to 1,000 after Meta upgrades the number; going over makes Meta reject messages (error 130429).',
};

export const callbackDataOption: INodeProperties = {
	displayName: 'Callback Data',
	name: 'bizOpaqueCallbackData',
	type: 'string',
	default: '',
	placeholder: 'APPT-2026-0042',
	description:
		'Up to 485 bytes returned with every status update of this message (sent, delivered, read, failed), e.g. the appointment ID, so the WhatsApp Clinic Trigger can match them. Sent to Meta as biz_opaque_callback_data together with the item’s idempotency key (27 bytes; the trigger shows your value without it). Never put patient data here.',
};

export const phoneNumberIdOption: INodeProperties = {
	displayName: 'Sender Phone Number ID',
	name: 'phoneNumberId',
	type: 'string',
	default: '',
	description:
		"Send from this WhatsApp phone number ID instead of the credential's (Meta's numeric ID, not the phone number itself)",
};

/** The "Options" collection of a Send node (or operation) holding `options`. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		description: 'Optional settings',
		default: {},
		options,
	};
}

/** The common "Options" of a sending operation (each node adds its own). */
export interface SendOptions {
	defaultCountry?: string;
	messagesPerSecond?: number;
	bizOpaqueCallbackData?: string;
	phoneNumberId?: string;
	/** Send Template's "Idempotency Key" (send-claims.ts): any value, read with readSendClaim. */
	idempotencyKey?: unknown;
	[key: string]: unknown;
}

/** Reads and validates the Messages per Second option. */
export function readMps(value: unknown): number {
	if (value === undefined || value === null || value === '') return DEFAULT_MPS;
	const mps = Number(value);
	if (!Number.isFinite(mps) || mps < 1 || mps > MAX_MPS)
		throw new ClinicError(`Messages per Second must be between 1 and ${MAX_MPS}`, {
			code: 'invalid_input',
			field: 'Messages per Second',
			hint: 'WhatsApp numbers start at 80 messages per second and can be upgraded by Meta to 1,000. Use 80 unless Meta has upgraded your number.',
		});
	return Math.floor(mps);
}

/** Parses a recipient, naming the parameter on failure. */
export function readRecipient(value: unknown, defaultCountry: CountryCode | undefined): Recipient {
	return parseRecipient(value, { defaultCountry, field: 'Recipient' });
}

export function readDefaultCountry(value: unknown): CountryCode | undefined {
	return parseDefaultCountry(typeof value === 'string' ? value : undefined);
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/**
 * The execute context with a `getNodeParameter` that evaluates a parameter holding no expression only once per
 * run (it is the same for every item). Evaluating parameters costs n8n real CPU per call; for thousands of items
 * that validation pass delayed the first send by seconds. Parameters with expressions are read per item as usual,
 * except one that is only `{{ $json.field }}`, read from the item when n8n would return its value unchanged.
 */
export function withParameterCache(ctx: IExecuteFunctions): IExecuteFunctions {
	const raw = ctx.getNode().parameters ?? {};
	const cache = new Map<string, unknown>();
	const paths = new Map<string, string[] | undefined>();
	const pathOf = (name: string) => {
		if (!paths.has(name)) paths.set(name, plainJsonPath(raw[name]));
		return paths.get(name);
	};
	const read = (name: string, itemIndex: number, fallback?: unknown, options?: IGetNodeParameterOptions) => {
		if (hasExpression(raw[name.split('.')[0]])) {
			// `{{ $json.field }}` alone: the item's value, when n8n would return it unchanged (plain-json-expression.ts).
			const path = options === undefined ? pathOf(name) : undefined;
			const value = path && plainJsonValue(ctx.getInputData()[itemIndex]?.json, path);
			if (value !== undefined) return value;
			return ctx.getNodeParameter(name, itemIndex, fallback, options);
		}
		const key = `${name}\u0000${JSON.stringify(options ?? {})}`;
		if (!cache.has(key)) cache.set(key, ctx.getNodeParameter(name, itemIndex, fallback, options));
		const value = cache.get(key);
		return value && typeof value === 'object' ? structuredClone(value) : value;
	};
	return new Proxy(ctx, {
		get(target, property) {
			if (property === 'getNodeParameter') return read;
			const value = Reflect.get(target, property, target) as unknown;
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
