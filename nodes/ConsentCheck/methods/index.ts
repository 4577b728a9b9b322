/** Node methods: the Clinic Store credential test (opens the database, applies migrations, checks the PHI key). */
export { clinicStoreConnectionTest } from '../../shared/store';
