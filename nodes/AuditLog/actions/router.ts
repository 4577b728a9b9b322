/** Dispatches the Audit Log operation with the clinic store opened once per execution. */
import type { ClinicStore } from '../../../core/store/ports';
import { createRouter } from '../../shared/router';
import { getClinicStore } from '../../shared/store';
import * as append from './append.operation';
import * as exportOp from './export.operation';
import * as kpiReport from './kpiReport.operation';
import * as purge from './purge.operation';
import * as query from './query.operation';
import * as rotateKeys from './rotateKeys.operation';
import * as verify from './verify.operation';

export type AuditOperation = 'append' | 'query' | 'verify' | 'export' | 'purge' | 'rotateKeys' | 'kpiReport';

export const router = createRouter<ClinicStore, AuditOperation>({
	open: async (ctx) => await getClinicStore(ctx),
	operations: {
		append: append.execute,
		query: query.execute,
		verify: verify.execute,
		export: exportOp.execute,
		purge: purge.execute,
		rotateKeys: rotateKeys.execute,
		kpiReport: kpiReport.execute,
	},
});
