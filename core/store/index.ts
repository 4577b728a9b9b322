/** Public entry of the clinic store. Modules import from here (`core/store`). */
export type {
	ClinicStore,
	ClinicStoreConfig,
	Migration,
	PhiCipher,
	PhiKeyConfig,
	PhiPlace,
	PostgresStoreConfig,
	ProcessedEventStore,
	SqlDialect,
	SqliteStoreConfig,
	SqlTx,
	TransactionOptions,
} from './ports';
export { registerMigrations, applyMigrations, getRegisteredMigrations } from './migrations';
export { createPhiCipher, PhiKeyError } from './phi-cipher';
export { PHI_TABLES, keyUsage, type KeyUsage, type PhiTable } from './phi-columns';
export {
	rotatePhiKeys,
	summarizeRotation,
	type RotateKeysOptions,
	type RotateKeysReport,
} from './rotate-keys';
export { openClinicStore, createClinicStore, closeAllClinicStores } from './open-store';
