/** Public entry of the clinic store. Modules import from here (`core/store`). */
export type {
	ClinicStore,
	ClinicStoreConfig,
	Migration,
	PhiCipher,
	PhiKeyConfig,
	PostgresStoreConfig,
	ProcessedEventStore,
	SqlDialect,
	SqliteStoreConfig,
	SqlTx,
	TransactionOptions,
} from './ports';
export { registerMigrations, applyMigrations, getRegisteredMigrations } from './migrations';
export { createPhiCipher, PhiKeyError } from './phi-cipher';
export { openClinicStore, createClinicStore, closeAllClinicStores } from './open-store';
