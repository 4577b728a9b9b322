/**
 * Detect Keywords: on WhatsApp Clinic Trigger items, recognises opt-out / opt-in words (pt, es, en) and button
 * payloads, records the consent change (with the message as evidence, audited), and adds the confirmation reply to
 * send in the patient's language. Items without a keyword pass through unchanged with `consentKeyword: null`.
 * Meta `user_preference` events (the patient stopped/resumed MARKETING in WhatsApp) are recorded for marketing.
 *
 * Reads the store once for all items that need it (YES/SIM/SÍ count only when the sender is opted out).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { decide } from '../../../core/consent/decision';
import { languageForIdentity, parseIdentity, type PatientIdentity } from '../../../core/consent/identity';
import { extractInbound, type InboundMessage } from '../../../core/consent/inbound';
import {
	DEFAULT_REPLIES,
	buildKeywordConfig,
	detectKeyword,
	replyLanguage,
	type KeywordConfigInput,
	type KeywordLanguage,
	type KeywordMatch,
	type MatchMode,
} from '../../../core/consent/keywords';
import { ALL_PURPOSES, parsePurpose, type Purpose } from '../../../core/consent/purposes';
import type { ConsentService } from '../../../core/consent/service';
import {
	PURPOSE_OPTIONS,
	actorOf,
	defaultCountryField,
	errorItem,
	iso,
	nodeError,
	policyOverridesField,
	readDefaultCountry,
} from './common';

const show = { operation: ['detectKeywords'] };
const purposeChoices = PURPOSE_OPTIONS.filter((p) => p.value !== 'custom').map(({ name, value }) => ({
	name,
	value,
}));
const LANGUAGE_OPTIONS = [
	{ name: 'English', value: 'en' },
	{ name: 'Portuguese', value: 'pt' },
	{ name: 'Spanish', value: 'es' },
];
const splitList = (v: unknown) =>
	String(v ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '');

export const description: INodeProperties[] = [
	{
		displayName:
			'Opt-out words: STOP, UNSUBSCRIBE, END, QUIT, REVOKE, OPTOUT, CANCEL, PARAR, PARE, SAIR, DESCADASTRAR, CANCELAR, BAJA, DAR DE BAJA, ALTO, NO MAS. Opt-in words: START, UNSTOP, SUBSCRIBE, VOLTAR, VOLVER, and YES/SIM/SÍ only after an opt-out. Button payloads OPT_OUT / OPT_IN (optionally OPT_IN:purpose).',
		name: 'keywordNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Opt-Out Applies To',
		name: 'optOutPurposes',
		type: 'multiOptions',
		options: [{ name: 'All Purposes', value: 'all' }, ...purposeChoices],
		default: ['all'],
		description: 'What an opt-out word stops. All Purposes also covers custom ones.',
		displayOptions: { show },
	},
	{
		displayName: 'Opt-in Applies To',
		name: 'optInPurposes',
		type: 'multiOptions',
		options: purposeChoices,
		default: ['appointment_reminders', 'telemedicine'],
		description:
			'What an opt-in word (START, VOLTAR…) turns back on. Marketing and lab results normally need a specific opt-in (e.g. a template button with payload OPT_IN:marketing), not a generic word.',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Confirmation Texts',
				name: 'replies',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Text',
				description: 'Replace the built-in confirmation reply for a language and action',
				options: [
					{
						displayName: 'Text',
						name: 'reply',
						values: [
							{
								displayName: 'Language',
								name: 'language',
								type: 'options',
								options: LANGUAGE_OPTIONS,
								default: 'pt',
							},
							{
								displayName: 'Action',
								name: 'action',
								type: 'options',
								default: 'opt_out',
								options: [
									{ name: 'Opt-Out', value: 'opt_out' },
									{ name: 'Opt-In', value: 'opt_in' },
								],
							},
							{ displayName: 'Text', name: 'text', type: 'string', typeOptions: { rows: 2 }, default: '' },
						],
					},
				],
			},
			{
				displayName: 'Extra Opt-in Words',
				name: 'additionalOptIn',
				type: 'string',
				default: '',
				placeholder: 'quero receber',
				description: 'Comma-separated; the whole message must be the word',
			},
			{
				displayName: 'Extra Opt-Out Words',
				name: 'additionalOptOut',
				type: 'string',
				default: '',
				placeholder: 'não quero mais, remover',
				description: 'Comma-separated; matched at the start of short messages',
			},
			{
				displayName: 'Keyword Languages',
				name: 'languages',
				type: 'multiOptions',
				options: LANGUAGE_OPTIONS,
				default: ['pt', 'es', 'en'],
				description: 'Which built-in word lists are active',
			},
			{
				displayName: 'Keyword Matching',
				name: 'keywordOverrides',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Rule',
				description:
					'Change how one word matches, e.g. CANCELAR → Off if your patients use it to cancel appointments',
				options: [
					{
						displayName: 'Rule',
						name: 'rule',
						values: [
							{ displayName: 'Word', name: 'phrase', type: 'string', default: '', placeholder: 'CANCELAR' },
							{
								displayName: 'Match',
								name: 'match',
								type: 'options',
								default: 'exact',
								options: [
									{ name: 'Whole Message Only', value: 'exact' },
									{ name: 'At Start of a Short Message', value: 'leading' },
									{ name: 'Off', value: 'off' },
								],
							},
						],
					},
				],
			},
			{
				displayName: 'Opt-in Button Payloads',
				name: 'optInPayloads',
				type: 'string',
				default: 'OPT_IN',
				description: 'Comma-separated payloads that mean opt-in; OPT_IN:marketing records that purpose only',
			},
			{
				displayName: 'Opt-Out Button Payloads',
				name: 'optOutPayloads',
				type: 'string',
				default: 'OPT_OUT, STOP',
				description: 'Comma-separated quick-reply payloads / interactive reply IDs that mean opt-out',
			},
			{
				displayName: 'Record Meta Marketing Stop/Resume',
				name: 'recordUserPreferences',
				type: 'boolean',
				default: true,
				description:
					'Whether user_preference events (the patient stopped or resumed marketing messages in WhatsApp) are recorded as a marketing opt-out / opt-in',
			},
			{
				displayName: 'Reply Language When Unknown',
				name: 'defaultLanguage',
				type: 'options',
				options: LANGUAGE_OPTIONS,
				default: 'pt',
				description:
					'Language of the confirmation when neither the word (e.g. STOP) nor the phone country tells it',
			},
			{
				displayName: 'Short Message Max Words',
				name: 'maxWords',
				type: 'number',
				default: 4,
				description: 'A leading keyword counts only in messages of at most this many words',
			},
			defaultCountryField,
			policyOverridesField,
		],
	},
];

interface Pending {
	index: number;
	inbound: InboundMessage;
	match: KeywordMatch;
	identity: PatientIdentity;
}

function readConfig(options: IDataObject): KeywordConfigInput {
	const overrides = (
		((options.keywordOverrides as IDataObject | undefined)?.rule as IDataObject[]) ?? []
	).map((r) => ({ phrase: String(r.phrase ?? ''), match: r.match as MatchMode }));
	return {
		additionalOptOut: splitList(options.additionalOptOut),
		additionalOptIn: splitList(options.additionalOptIn),
		overrides,
		maxWords: options.maxWords === undefined ? undefined : Number(options.maxWords),
		optOutPayloads: options.optOutPayloads === undefined ? undefined : splitList(options.optOutPayloads),
		optInPayloads: options.optInPayloads === undefined ? undefined : splitList(options.optInPayloads),
		languages: (options.languages as KeywordLanguage[] | undefined) ?? undefined,
	};
}

function preferenceMatch(inbound: InboundMessage): KeywordMatch | null {
	const p = inbound.preference;
	if (!p || !p.category?.startsWith('marketing')) return null;
	const value = p.value?.toLowerCase();
	if (value !== 'stop' && value !== 'resume') return null;
	return {
		action: value === 'stop' ? 'opt_out' : 'opt_in',
		keyword: `user_preferences:${value}`,
		source: 'payload',
		languages: [],
		international: true,
		requiresPriorOptOut: false,
		purposes: ['marketing'],
	};
}

export async function execute(
	this: IExecuteFunctions,
	service: ConsentService,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	let config;
	try {
		config = buildKeywordConfig(readConfig(options));
	} catch (error) {
		throw nodeError(this, error, 0);
	}
	const fallbackLanguage = ((options.defaultLanguage as string) || 'pt') as KeywordLanguage;
	const recordPreferences = options.recordUserPreferences !== false;
	const replies = new Map<string, string>();
	for (const r of ((options.replies as IDataObject | undefined)?.reply as IDataObject[]) ?? []) {
		if (String(r.text ?? '').trim()) replies.set(`${String(r.language)}:${String(r.action)}`, String(r.text));
	}
	const country = readDefaultCountry(this, 0);
	if (country instanceof Error) throw country;
	const actor = actorOf(this);

	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const passThrough = (i: number): INodeExecutionData => ({
		json: { ...items[i].json, consentKeyword: null },
		...(items[i].binary ? { binary: items[i].binary } : {}),
		pairedItem: { item: i },
	});

	const pending: Pending[] = [];
	for (let i = 0; i < items.length; i++) {
		const inbound = extractInbound(items[i].json);
		const match = !inbound
			? null
			: inbound.kind === 'user_preference'
				? recordPreferences
					? preferenceMatch(inbound)
					: null
				: detectKeyword({ text: inbound.text, payload: inbound.payload }, config);
		if (!inbound || !match) {
			results[i] = passThrough(i);
			continue;
		}
		try {
			const identity = parseIdentity(
				{ phone: inbound.from, userId: inbound.userId },
				{ defaultCountry: country, phoneField: 'from', userIdField: 'userId' },
			);
			pending.push({ index: i, inbound, match, identity });
		} catch (error) {
			if (!this.continueOnFail()) throw nodeError(this, error, i);
			results[i] = errorItem(this, error, i);
		}
	}

	const purposeList = (field: string, i: number): Purpose[] => {
		const chosen = this.getNodeParameter(field, i, []) as string[];
		if (chosen.includes('all')) return [ALL_PURPOSES];
		return chosen.map((p) => parsePurpose(p, field));
	};

	// "yes"/"sim"/"sí" only count for senders who are currently opted out of a purpose they would turn back on.
	const conditional = pending.filter((p) => p.match.requiresPriorOptOut);
	if (conditional.length) {
		const events = await service.loadEvents(conditional.map((p) => p.identity));
		const now = service.now();
		conditional.forEach((p, k) => {
			const purposes = p.match.purposes ?? purposeList('optInPurposes', p.index);
			const optedOut = purposes.some((purpose) => {
				const d = decide(events[k], service.policy, purpose, now);
				return !d.allowed && d.reason === 'opted_out';
			});
			if (!optedOut) results[p.index] = passThrough(p.index);
		});
	}

	for (const p of pending) {
		if (results[p.index]) continue;
		const i = p.index;
		try {
			const { match, inbound, identity } = p;
			const purposes =
				match.purposes ?? purposeList(match.action === 'opt_out' ? 'optOutPurposes' : 'optInPurposes', i);
			if (purposes.length === 0) {
				results[i] = passThrough(i);
				continue;
			}
			const evidence = {
				sourceMessageId: inbound.messageId,
				textShown: inbound.text ?? inbound.payload ?? null,
				channel: 'whatsapp',
				timestamp: inbound.timestamp ?? service.now(),
				actor,
				keyword: match.keyword,
			};
			const stored =
				match.action === 'opt_out'
					? await service.recordOptOut(identity, { purposes, evidence })
					: await service.recordOptIn(identity, { purposes, evidence });
			const isPreference = inbound.kind === 'user_preference';
			const language = replyLanguage(match, languageForIdentity(identity), fallbackLanguage);
			const reply = isPreference
				? null
				: (replies.get(`${language}:${match.action}`) ?? DEFAULT_REPLIES[language][match.action]);
			results[i] = {
				json: {
					...items[i].json,
					consentKeyword: {
						action: match.action,
						keyword: match.keyword,
						source: isPreference ? 'user_preference' : match.source,
						purposes: stored.map((e) => e.purpose),
						recordedAt: iso(stored[0]?.recordedAt ?? null),
						alreadyRecorded: stored.every((e) => e.duplicate === true),
						language,
						reply,
						replyTo: identity.phone ?? identity.userId,
					},
				},
				...(items[i].binary ? { binary: items[i].binary } : {}),
				pairedItem: { item: i },
			};
		} catch (error) {
			if (!this.continueOnFail()) throw nodeError(this, error, i);
			results[i] = errorItem(this, error, i);
		}
	}
	return [results as INodeExecutionData[]];
}
