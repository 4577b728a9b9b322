/** Query: audit entries by patient, message id, time range, direction, purpose; paginated with a cursor. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { type AuditQuery, type AuditView, queryAuditEntries } from '../../../core/audit/query';
import type { ClinicStore } from '../../../core/store/ports';
import { perItem } from '../../shared/router';
import { filterFields, readFilters } from './filter-fields';
import { operationOptions } from '../../shared/operation-options';

const show = { operation: ['query'] };
const MAX_RETURN_ALL = 100_000;

export const description: INodeProperties[] = [
	...filterFields('query'),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	operationOptions(show, [
		{
			displayName: 'Cursor',
			name: 'cursor',
			type: 'string',
			default: '',
			description: 'The "nextCursor" of the previous page, to continue where it stopped',
		},
		{
			displayName: 'Include Message Text and Phone',
			name: 'includeContent',
			type: 'boolean',
			default: false,
			description:
				'Whether to decrypt the message text, the patient phone number and the WhatsApp message ID (health data: only for a legitimate request). Off: entries show keyed digests instead.',
		},
		{
			displayName: 'Newest First',
			name: 'newestFirst',
			type: 'boolean',
			default: false,
			description: 'Whether to list the most recent entries first',
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'entries',
			options: [
				{ name: 'One Item per Entry', value: 'entries' },
				{ name: 'One Item per Page', value: 'page', description: 'Entries plus nextCursor in one item' },
			],
		},
	]),
];

/** One query per input item: one output item per entry, or one per page. */
export const execute = perItem<ClinicStore>(async function (this: IExecuteFunctions, i, store) {
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
	const q: AuditQuery = {
		...(readFilters(this, i) as AuditQuery),
		timeZone: this.getTimezone(),
		includeContent: options.includeContent === true,
		order: options.newestFirst ? 'desc' : 'asc',
		cursor: (options.cursor as string) || undefined,
		limit: returnAll ? 1000 : (this.getNodeParameter('limit', i, 50) as number),
	};
	const entries: AuditView[] = [];
	let nextCursor: string | null = null;
	do {
		const page = await queryAuditEntries(store, q);
		entries.push(...page.entries);
		nextCursor = page.nextCursor;
		q.cursor = nextCursor ?? undefined;
	} while (returnAll && nextCursor && entries.length < MAX_RETURN_ALL);
	if (options.output === 'page') {
		return { entries: entries as unknown as IDataObject[], count: entries.length, nextCursor };
	}
	return entries as unknown as IDataObject[];
});
