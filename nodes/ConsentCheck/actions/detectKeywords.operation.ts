/**
 * Detect Keywords: on WhatsApp Clinic Trigger items, recognises opt-out / opt-in words (pt, es, en) and button
 * payloads, records the consent change (with the message as evidence, audited), and adds the confirmation reply to
 * send in the patient's language. Items without a keyword pass through unchanged with `consentKeyword: null`.
 * Meta `user_preference` events (the patient stopped/resumed MARKETING in WhatsApp) are recorded for marketing.
 *
 * Reads the store once for all items that need it (YES/SIM/SÍ count only when the sender is opted out).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { PatientIdentity } from '../../../core/consent/identity';
import {
	conditionalOptInCounts,
	keywordChange,
	purposesFor,
	recogniseKeyword,
	senderIdentity,
	type RecognisedKeyword,
	type ReplyOverride,
} from '../../../core/consent/inbound';
import {
	buildKeywordConfig,
	type KeywordConfigInput,
	type KeywordLanguage,
	type MatchMode,
} from '../../../core/consent/keywords';
import type { Purpose } from '../../../core/consent/purposes';
import type { ConsentService } from '../../../core/consent/service';
import { iso, policyOverridesField } from '../../shared/consent-fields';
import { failItem } from '../../shared/items';
import { BUILT_IN_PURPOSE_OPTIONS, defaultCountryField } from './fields';
import { actorOf, readDefaultCountry, readPurposeList } from './parameters';
import { operationOptions } from '../../shared/operation-options';

const show = { operation: ['detectKeywords'] };
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
		options: [{ name: 'All Purposes', value: 'all' }, ...BUILT_IN_PURPOSE_OPTIONS],
		default: ['all'],
		description: 'What an opt-out word stops. All Purposes also covers custom ones.',
		displayOptions: { show },
	},
	{
		displayName: 'Opt-in Applies To',
		name: 'optInPurposes',
		type: 'multiOptions',
		options: BUILT_IN_PURPOSE_OPTIONS,
		default: ['appointment_reminders', 'telemedicine'],
		description:
			'What an opt-in word (START, VOLTAR…) turns back on. Marketing and lab results normally need a specific opt-in (e.g. a template button with payload OPT_IN:marketing), not a generic word.',
		displayOptions: { show },
	},
	operationOptions(show, [
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
	]),
];

interface Pending {
	index: number;
	recognised: RecognisedKeyword;
	identity: PatientIdentity;
	purposes: readonly Purpose[];
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

function readReplies(options: IDataObject): ReplyOverride[] {
	return (((options.replies as IDataObject | undefined)?.reply as IDataObject[]) ?? []).map((r) => ({
		language: String(r.language),
		action: String(r.action),
		text: String(r.text ?? ''),
	}));
}

/**
 * Phase 1 recognises keywords and reads each sender and purposes (bad ones become error items); phase 2 reads the
 * store ONCE for the conditional opt-in words; phase 3 records each change and builds its output item.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	service: ConsentService,
): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const config = buildKeywordConfig(readConfig(options));
	const recordUserPreferences = options.recordUserPreferences !== false;
	const context = {
		actor: actorOf(this),
		fallbackLanguage: ((options.defaultLanguage as string) || 'pt') as KeywordLanguage,
		replies: readReplies(options),
	};
	const country = readDefaultCountry(this, 0);

	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const passThrough = (i: number): INodeExecutionData => ({
		json: { ...items[i].json, consentKeyword: null },
		...(items[i].binary ? { binary: items[i].binary } : {}),
		pairedItem: { item: i },
	});

	const pending: Pending[] = [];
	for (let i = 0; i < items.length; i++) {
		const recognised = recogniseKeyword(items[i].json, config, { recordUserPreferences });
		if (!recognised) {
			results[i] = passThrough(i);
			continue;
		}
		try {
			const identity = senderIdentity(recognised.inbound, country);
			const purposes = purposesFor(recognised.match, (action) =>
				readPurposeList(this, action === 'opt_out' ? 'optOutPurposes' : 'optInPurposes', i),
			);
			pending.push({ index: i, recognised, identity, purposes });
		} catch (error) {
			results[i] = failItem(this, error, i, items[i].json);
		}
	}

	const conditional = pending.filter((p) => p.recognised.match.requiresPriorOptOut);
	if (conditional.length) {
		const events = await service.loadEvents(conditional.map((p) => p.identity));
		const now = service.now();
		conditional.forEach((p, k) => {
			if (!conditionalOptInCounts(p.recognised.match, events[k], service.policy, p.purposes, now))
				results[p.index] = passThrough(p.index);
		});
	}

	for (const p of pending) {
		const i = p.index;
		if (results[i]) continue;
		if (p.purposes.length === 0) {
			results[i] = passThrough(i);
			continue;
		}
		try {
			const change = keywordChange(p.recognised, p.identity, p.purposes, { ...context, now: service.now() });
			const record = { purposes: change.purposes, evidence: change.evidence };
			const stored =
				change.action === 'opt_out'
					? await service.recordOptOut(p.identity, record)
					: await service.recordOptIn(p.identity, record);
			results[i] = {
				json: {
					...items[i].json,
					consentKeyword: {
						action: change.action,
						keyword: change.keyword,
						source: change.source,
						purposes: stored.map((e) => e.purpose),
						recordedAt: iso(stored[0]?.recordedAt ?? null),
						alreadyRecorded: stored.every((e) => e.duplicate === true),
						language: change.language,
						reply: change.reply,
						replyTo: change.replyTo,
					},
				},
				...(items[i].binary ? { binary: items[i].binary } : {}),
				pairedItem: { item: i },
			};
		} catch (error) {
			results[i] = failItem(this, error, i, items[i].json);
		}
	}
	return [results as INodeExecutionData[]];
}
