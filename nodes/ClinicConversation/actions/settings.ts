/**
 * Reads the node's settings into core's terms once per execution (first item): the text table, the language
 * settings, the script. A wrong setting (bad Texts JSON, a question without its text) stops the node before any
 * patient is answered, naming the field and the fix.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	type LanguageSettings,
	type Script,
	type ScriptInput,
	buildScript,
} from '../../../core/conversation';
import { ClinicError } from '../../../core/errors';
import { type TextTable, buildTextTable, parseLanguage } from '../../../core/i18n';

const HOUR = 3_600_000;

export function readLanguageSettings(ctx: IExecuteFunctions): LanguageSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		defaultLanguage: parseLanguage(ctx.getNodeParameter('defaultLanguage', 0, 'pt_BR'), 'Clinic Language'),
		detectFromText: options.detectFromText !== false,
		useCountry: options.useCountry !== false,
	};
}

interface QuestionRow {
	field?: string;
	validator?: string;
	ask?: string;
	retry?: string;
}

function readQuestions(ctx: IExecuteFunctions): ScriptInput['questions'] {
	const rows = (ctx.getNodeParameter('questions', 0, {}) as { question?: QuestionRow[] }).question;
	return rows?.map((r) => ({ field: r.field, validator: r.validator, ask: r.ask, retry: r.retry }));
}

const words = (value: unknown): string[] | undefined =>
	typeof value === 'string' && value.trim() !== ''
		? value
				.split(',')
				.map((w) => w.trim())
				.filter(Boolean)
		: undefined;

export function readTexts(
	ctx: IExecuteFunctions,
	settings: LanguageSettings,
	answerFields: string[] = [],
): TextTable {
	return buildTextTable({
		defaultLanguage: settings.defaultLanguage,
		overrides: ctx.getNodeParameter('texts', 0, '{}'),
		answerFields,
	});
}

export function readScript(
	ctx: IExecuteFunctions,
	settings: LanguageSettings,
): { script: Script; table: TextTable } {
	const questions = readQuestions(ctx);
	const fields = (questions ?? []).map((q) => String(q.field ?? '').trim()).filter(Boolean);
	const table = readTexts(ctx, settings, fields);
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const script = buildScript(
		{ questions, nurseWords: words(options.nurseWords), restartWords: words(options.restartWords) },
		table,
	);
	return { script, table };
}

/** A number of hours from a field, as milliseconds (at least a minute, at most a year). */
export function readHours(ctx: IExecuteFunctions, name: string, label: string, itemIndex: number): number {
	const hours = Number(ctx.getNodeParameter(name, itemIndex, 24));
	if (!Number.isFinite(hours) || hours < 1 / 60 || hours > 24 * 366)
		throw new ClinicError(`${label}: ${String(hours)} is not a number of hours between 0.02 and 8784`, {
			code: 'invalid_input',
			field: label,
			hint: 'Use e.g. 24 for a day or 168 for a week.',
		});
	return hours * HOUR;
}
