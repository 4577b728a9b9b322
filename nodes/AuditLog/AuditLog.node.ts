import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { clinicStoreConnectionTest, clinicStoreCredential } from '../shared/store';
import * as append from './actions/append.operation';
import * as exportOp from './actions/export.operation';
import * as kpiReport from './actions/kpiReport.operation';
import * as purge from './actions/purge.operation';
import * as query from './actions/query.operation';
import * as rotateKeys from './actions/rotateKeys.operation';
import { router } from './actions/router';
import * as verify from './actions/verify.operation';

export class AuditLog implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Audit Log',
		name: 'auditLog',
		icon: { light: 'file:auditLog.svg', dark: 'file:auditLog.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ {"append":"Append","query":"Query","verify":"Verify Chain","export":"Export","purge":"Purge by Retention","rotateKeys":"Rotate Keys","kpiReport":"KPI Report"}[$parameter["operation"]] }}',
		description:
			'Tamper-evident log of every patient communication: append entries, search them, verify the hash chain, export CSV or FHIR AuditEvent, purge by retention',
		defaults: { name: 'Audit Log' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ ...clinicStoreCredential, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'append',
				options: [
					{
						name: 'Append',
						value: 'append',
						action: 'Append entries to the audit log',
						description: 'Record each input item (message, status, send result, consent change, booking)',
					},
					{
						name: 'Export',
						value: 'export',
						action: 'Export the audit log',
						description: 'CSV or FHIR R4 AuditEvent Bundle file for a period or a patient',
					},
					{
						name: 'KPI Report',
						value: 'kpiReport',
						action: 'Build a KPI report',
						description:
							'Response times, delivery, confirmations, no-shows, waitlist fill rate, CSAT and opt-outs by week and practitioner, as CSV and an HTML page with charts',
					},
					{
						name: 'Purge by Retention',
						value: 'purge',
						action: 'Purge old audit entries',
						description: 'Delete entries older than the retention period; the chain stays verifiable',
					},
					{
						name: 'Query',
						value: 'query',
						action: 'Query the audit log',
						description: 'Find entries by patient, message, time, direction or purpose',
					},
					{
						name: 'Rotate Keys',
						value: 'rotateKeys',
						action: 'Rotate the PHI encryption keys',
						description:
							'Move all stored patient data to the current PHI key after a key change, and report what still needs an old key',
					},
					{
						name: 'Verify Chain',
						value: 'verify',
						action: 'Verify the audit log chain',
						description: 'Check that no entry was modified, deleted, inserted or reordered',
					},
				],
			},
			...append.description,
			...query.description,
			...verify.description,
			...exportOp.description,
			...purge.description,
			...rotateKeys.description,
			...kpiReport.description,
		],
	};

	methods = { credentialTest: { clinicStoreConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
