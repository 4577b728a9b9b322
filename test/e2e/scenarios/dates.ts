/**
 * Dates in the shipped workflows' templates: they are sent as Meta's typed `date_time` parameters whose fallback
 * (the text the patient reads) is written in the TEMPLATE's language and the clinic's time zone. Helpers to read
 * those parameters from a simulator message and to say what the patient must read. The shipped workflows pick
 * each patient's template language (Clinic Conversation's templateLanguage), so scenarios prove pt_BR, es and en_US
 * with patients of each language.
 */
import { SETTINGS } from '../../../scripts/workflows/clinic-settings';
import { waitUntil } from '../../stack/proc';
import type { SimOutbound } from '../../stack/sim';
import { assert, assertEqual, type ScenarioContext } from '../scenario';
import { WF, nodeOutput, workflowId } from './util';

export type Language = 'en_US' | 'pt_BR' | 'es';
const INTL: Record<Language, string> = { en_US: 'en-US', pt_BR: 'pt-BR', es: 'es' };

/** What the patient must read for an instant, written directly with Intl (not with the node's code). */
export function expectedDate(iso: string, language: Language, show: 'date' | 'time' | 'date_time'): string {
	const options: Intl.DateTimeFormatOptions = {
		timeZone: SETTINGS.timeZone,
		...(show === 'time' ? {} : { dateStyle: 'long' }),
		...(show === 'date' ? {} : { timeStyle: 'short' }),
	};
	return new Intl.DateTimeFormat(INTL[language], options).format(new Date(iso)).replace(/\u202f/g, ' ');
}

/** The shape each language's long date / short time must have (month NAMES of that language). */
const SHAPES: Record<Language, Record<'date' | 'time', RegExp>> = {
	en_US: {
		date: /^(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}$/,
		time: /^\d{1,2}:\d{2} (AM|PM)$/,
	},
	pt_BR: {
		date: /^\d{1,2} de (janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro) de \d{4}$/,
		time: /^\d{2}:\d{2}$/,
	},
	es: {
		date: /^\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}$/,
		time: /^\d{1,2}:\d{2}$/,
	},
};

/** The parameters of a template message's body, in order. */
export function bodyParameters(m: SimOutbound): Array<Record<string, any>> {
	const components = (m.request?.template?.components ?? []) as Array<Record<string, any>>;
	return components.find((c) => c.type === 'body')?.parameters ?? [];
}

/**
 * Asserts that body parameter `index` (0-based) of a template message is a typed date_time whose text is the
 * instant in the template's language and the clinic's time zone, and that the patient reads that text.
 */
export function assertTemplateDate(
	m: SimOutbound,
	variable: number | string,
	iso: string,
	language: Language,
	show: 'date' | 'time',
	what: string,
): string {
	assertEqual(m.request?.template?.language?.code, language, `${what}: template language`);
	const params = bodyParameters(m);
	const p =
		typeof variable === 'number' ? params[variable] : params.find((x) => x.parameter_name === variable);
	const want = expectedDate(iso, language, show);
	assert(SHAPES[language][show].test(want), `${what}: expected ${show} "${want}" has the ${language} shape`);
	assertEqual(
		p,
		{
			type: 'date_time',
			date_time: { fallback_value: want },
			...(typeof variable === 'string' ? { parameter_name: variable } : {}),
		},
		`${what}: body ${typeof variable === 'number' ? `{{${variable + 1}}}` : `{{${variable}}}`}`,
	);
	const body = String(m.rendered?.body ?? '');
	assert(body.includes(want), `${what}: the patient reads "${want}" in "${body}"`);
	return want;
}

/** The appointment a node of workflow 01 (Book, Reschedule) output for `appointmentId`, from n8n's executions. */
export async function appointmentFromInbox(
	ctx: ScenarioContext,
	node: string,
	appointmentId: string,
): Promise<{ id: string; start: string }> {
	// The patient's answer can arrive before the execution ends (nodes after the reply, e.g. the hand-over of a
	// freed time to workflow 08): wait for the finished execution.
	return await waitUntil(
		`"${node}" output for appointment ${appointmentId} in workflow 01's executions`,
		async () => {
			for (const e of await ctx.n8n.executions({
				workflowId: workflowId(ctx, WF.inbox),
				includeData: true,
			})) {
				const item = nodeOutput(e, node).find((i) => i.appointment?.id === appointmentId);
				if (item) return item.appointment as { id: string; start: string };
			}
			return undefined;
		},
		30_000,
		500,
	);
}
