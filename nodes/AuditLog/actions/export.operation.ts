/** Export: CSV or FHIR R4 AuditEvent Bundle, as a binary file, for a period and/or a patient. One file per input item. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { exportAuditCsv, exportAuditFhirBundle, type ExportOptions } from '../../../core/audit/export';
import type { ClinicStore } from '../../../core/store/ports';
import { settle } from '../../../core/settle';
import { errorItem, filterFields, nodeError, readFilters } from './common';

const show = { operation: ['export'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		default: 'csv',
		options: [
			{ name: 'CSV', value: 'csv', description: 'One row per entry, for spreadsheets' },
			{
				name: 'FHIR R4 AuditEvent Bundle',
				value: 'fhir',
				description: 'JSON Bundle of AuditEvent resources, for health record systems and auditors',
			},
		],
		displayOptions: { show },
	},
	...filterFields('export'),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary field that receives the file',
		displayOptions: { show },
	},
	{
		displayName: 'Include Message Text and Phone',
		name: 'includeContent',
		type: 'boolean',
		default: false,
		description:
			'Whether to decrypt message text and phone numbers into the file (health data: only for a legitimate request such as a patient access request)',
		displayOptions: { show },
	},
];

export async function execute(
	this: IExecuteFunctions,
	store: ClinicStore,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const res = await settle(async () => {
			const format = this.getNodeParameter('format', i) as 'csv' | 'fhir';
			const options: ExportOptions = {
				...(readFilters(this, i) as ExportOptions),
				includeContent: this.getNodeParameter('includeContent', i, false) as boolean,
				observer: `n8n workflow ${this.getWorkflow().id ?? ''}`.trim(),
			};
			const file =
				format === 'fhir'
					? await exportAuditFhirBundle(store, options)
					: await exportAuditCsv(store, options);
			const binary = await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
			const property = this.getNodeParameter('binaryPropertyName', i, 'data') as string;
			return {
				json: { format, entries: file.entries, fileName: file.fileName } as IDataObject,
				binary: { [property]: binary },
				pairedItem: { item: i },
			} satisfies INodeExecutionData;
		});
		if (!res.ok) {
			if (!this.continueOnFail()) throw nodeError(this, res.error, i);
			out.push(errorItem(res.error, i));
			continue;
		}
		out.push(res.value);
	}
	return [out];
}
