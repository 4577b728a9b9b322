/** The audit log's storage port, its two adapters, and the adapter for a clinic store. */
import type { ClinicStore } from '../../store/ports';
import type { AuditRepository } from './port';
import { SqlAuditRepository } from './sql';

export type * from './port';
export { MemoryAuditRepository } from './memory';
export { SqlAuditRepository, SqlAuditWriter } from './sql';

/** What the audit functions accept: a clinic store (its SQL adapter is used) or any AuditRepository. */
export type AuditSource = ClinicStore | AuditRepository;

const sqlRepositories = new WeakMap<ClinicStore, AuditRepository>();

function isRepository(source: AuditSource): source is AuditRepository {
	return typeof (source as AuditRepository).write === 'function';
}

/** The repository of `source`: itself, or the (one) SQL adapter of a clinic store. */
export function auditRepository(source: AuditSource): AuditRepository {
	if (isRepository(source)) return source;
	let repo = sqlRepositories.get(source);
	if (!repo) sqlRepositories.set(source, (repo = new SqlAuditRepository(source)));
	return repo;
}
