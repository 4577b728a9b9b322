/**
 * WaitlistService over each repository: the in-memory twin, and the clinic store (SQLite; Postgres when WAC_PG_URL
 * is set) with its audit log. Plus what only the SQL adapter can show: PHI never stored in clear.
 */
import { auditRepository } from '../../../core/audit';
import { MemoryBookingRepository } from '../../../core/scheduling/repositories/memory';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import { type ClinicStore, openClinicStore } from '../../../core/store';
import { MemoryWaitlistRepository, SqlWaitlistRepository, WaitlistService } from '../../../core/waitlist';
import { describeEachBackend } from '../../integration/store/backends';
import { waitlistContract } from './service-contract';

describe('WaitlistService [memory]', () => {
	waitlistContract(async () => {
		const repository = new MemoryWaitlistRepository();
		return {
			repository,
			bookings: new MemoryBookingRepository(),
			events: async () => repository.audited.map((e) => String(e.event)),
		};
	});

	it('a transaction that throws leaves nothing behind (undo journal) and records no audit entry', async () => {
		const repository = new MemoryWaitlistRepository();
		const service = new WaitlistService({ repository, clock: () => Date.parse('2030-01-06T15:00:00Z') });
		const { entry } = await service.join('l', {
			patient: { name: 'Ana', phone: '+5511900000001' },
			timeZone: 'UTC',
		});
		await expect(
			repository.transaction(
				'l',
				async (tx) => {
					await tx.updateEntries([entry.id], { status: 'left', updatedAtMs: 1 });
					await tx.insertEntry({ ...entry, id: 'wl_other' });
					throw new Error('boom');
				},
				() => [{ direction: 'system', event: 'never' }],
			),
		).rejects.toThrow('boom');
		expect((await service.list('l')).map((e) => [e.id, e.status])).toEqual([[entry.id, 'waiting']]);
		expect(repository.audited.map((e) => e.event)).toEqual(['waitlist.joined']);
	});
});

const stores: ClinicStore[] = [];
afterAll(async () => {
	await Promise.all(stores.map((s) => s.close()));
});

describeEachBackend('WaitlistService', (backend) => {
	const open = async () => {
		const store = await openClinicStore(await backend().fresh(), { cache: false });
		stores.push(store);
		return store;
	};

	waitlistContract(async () => {
		const store = await open();
		return {
			repository: new SqlWaitlistRepository(store),
			bookings: new SqlBookingRepository(store, 'main'),
			events: async () =>
				(await store.query<{ event: string }>('SELECT event FROM clinic_audit_log ORDER BY seq')).map(
					(r) => r.event,
				),
		};
	});

	it('stores patient data encrypted; audit entries carry the patient only as the audit log seals it', async () => {
		const store = await open();
		const service = new WaitlistService({ repository: new SqlWaitlistRepository(store) });
		await service.join('builtin:main', {
			patient: { name: 'Maria Confidencial', phone: '+5511987654321', email: 'maria@example.com' },
			serviceId: 'consulta',
			notes: 'prefere manhã',
			timeZone: 'America/Sao_Paulo',
		});
		const raw = JSON.stringify(await store.query('SELECT * FROM clinic_waitlist'));
		for (const secret of ['Maria', '987654321', 'maria@', 'manhã']) expect(raw).not.toContain(secret);
		const audit = JSON.stringify(await store.query('SELECT * FROM clinic_audit_log'));
		expect(audit).not.toContain('987654321');
		const found = await auditRepository(store).find(
			{ patientDigests: store.cipher.lookupDigests('5511987654321'), event: 'waitlist.joined' },
			{ order: 'asc', limit: 10 },
		);
		expect(found).toHaveLength(1);
		expect((await service.list('builtin:main'))[0].patient).toEqual({
			name: 'Maria Confidencial',
			phone: '5511987654321',
			email: 'maria@example.com',
		});
	});
});
