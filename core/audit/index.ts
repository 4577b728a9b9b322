/** Tamper-evident audit log on the clinic store. Importing this module registers the audit migrations. */
import './schema';

export * from './entry';
export { appendAuditEntries, prepareEntry, type AppendedEntry } from './chain';
export {
	verifyAuditChain,
	AuditChainBrokenError,
	type VerifyResult,
	type ChainBreak,
	type BreakReason,
} from './verify';
export { queryAuditEntries, parseQueryTime, type AuditQuery, type AuditView, type AuditPage } from './query';
export {
	auditRepository,
	MemoryAuditRepository,
	SqlAuditRepository,
	type AuditRepository,
	type AuditSource,
} from './repositories';
export {
	exportAuditCsv,
	exportAuditFhirBundle,
	toAuditEvent,
	type ExportFile,
	type ExportOptions,
} from './export';
export { purgeAuditEntries, DEFAULT_RETENTION_DAYS, type PurgeResult } from './retention';
export { AUDIT_LOCK_KEY } from './schema';
export { detectAuditEntry, withOverrides } from './detect';
