/** Export: CSV or FHIR R4 AuditEvent Bundle, as a binary file, for a period and/or a patient. One file per input item. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { exportAuditCsv, exportAuditFhirBundle, type ExportOptions } from '../../../core/audit/export';
import type { ClinicStore } from '../../../core/store/ports';
import { perItem } from '../../shared/router';
import { filterFields, readFilters } from './filter-fields';

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
			'Whether to decrypt message text, phone numbers and WhatsApp message IDs into the file (health data: only for a legitimate request such as a patient access request)',
		displayOptions: { show },
	},
];

/** One file per input item. */
export const execute = perItem<ClinicStore>(async function (this: IExecuteFunctions, i, store) {
	const format = this.getNodeParameter('format', i) as 'csv' | 'fhir';
	const options: ExportOptions = {
		...(readFilters(this, i) as ExportOptions),
		timeZone: this.getTimezone(),
		includeContent: this.getNodeParameter('includeContent', i, false) as boolean,
		observer: `n8n workflow ${this.getWorkflow().id ?? ''}`.trim(),
	};
	const file =
		format === 'fhir' ? await exportAuditFhirBundle(store, options) : await exportAuditCsv(store, options);
	const binary = await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
	const property = this.getNodeParameter('binaryPropertyName', i, 'data') as string;
	return {
		json: { format, entries: file.entries, fileName: file.fileName } as IDataObject,
		binary: { [property]: binary },
	} satisfies INodeExecutionData;
});
