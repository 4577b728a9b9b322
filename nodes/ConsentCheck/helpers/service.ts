/**
 * Builds the ConsentService for one execution: the clinic store (credential "Clinic Store") behind the SQL
 * repository, with consent changes written to the audit log in the same transaction. Nothing is cached across
 * executions except the store connection itself: every Check reads the current consent state.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { storeAuditSink } from '../../../core/consent/audit';
import type { ConsentPolicy } from '../../../core/consent/policy';
import { SqlConsentRepository } from '../../../core/consent/repositories/sql';
import { ConsentService } from '../../../core/consent/service';
import { getClinicStore } from '../../shared/store';

export async function getConsentService(
	ctx: IExecuteFunctions,
	policy: ConsentPolicy,
): Promise<ConsentService> {
	const store = await getClinicStore(ctx);
	return new ConsentService({
		repository: new SqlConsentRepository(store),
		policy,
		audit: storeAuditSink(store),
	});
}
