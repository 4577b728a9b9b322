/** Dropdowns of the built-in scheduler: services and practitioners from the rules currently typed in the node. */
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { parseClinicRules, type ClinicRules } from '../../../core/scheduling/rules';
import { settle } from '../../../core/settle';
import { rulesFromFields } from '../helpers/rules-fields';

async function currentRules(ctx: ILoadOptionsFunctions): Promise<{ rules?: ClinicRules; error?: string }> {
	const res = await settle(async () => {
		const source = ctx.getCurrentNodeParameter('rulesSource') as string | undefined;
		if (source === 'json') return parseClinicRules(ctx.getCurrentNodeParameter('rulesJson'));
		return parseClinicRules(
			rulesFromFields({
				timeZone: ctx.getCurrentNodeParameter('timeZone'),
				settings: (ctx.getCurrentNodeParameter('settings') as IDataObject) ?? {},
				openingHours: ctx.getCurrentNodeParameter('openingHours'),
				breaks: ctx.getCurrentNodeParameter('breaks'),
				closures: ctx.getCurrentNodeParameter('closures'),
				services: ctx.getCurrentNodeParameter('services'),
				practitioners: ctx.getCurrentNodeParameter('practitioners'),
			}),
		);
	});
	return res.ok ? { rules: res.value } : { error: (res.error as Error).message };
}

export async function getServices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { rules, error } = await currentRules(this);
	if (!rules) return [{ name: `Fix the clinic rules first: ${error}`, value: '' }];
	return rules.services.map((s) => ({
		name: `${s.name} (${s.durationMinutes} min)`,
		value: s.id,
		description: s.id,
	}));
}

export async function getPractitioners(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { rules, error } = await currentRules(this);
	if (!rules) return [{ name: `Fix the clinic rules first: ${error}`, value: '' }];
	return [
		{ name: 'Any Practitioner', value: '' },
		...rules.practitioners.map((p) => ({ name: p.name, value: p.id, description: p.id })),
	];
}
