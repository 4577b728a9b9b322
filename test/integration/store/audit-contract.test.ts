/** Audit log on both backends: tamper detection, queries, wrong key, rotation, retention purge, exports. */
import {
	type AuditEntryInput,
	appendAuditEntries,
	exportAuditCsv,
	exportAuditFhirBundle,
	purgeAuditEntries,
	queryAuditEntries,
	verifyAuditChain,
} from '../../../core/audit';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import type { ClinicStore, ClinicStoreConfig } from '../../../core/store/ports';
import { describeEachBackend } from './backends';

afterAll(async () => await closeAllClinicStores());

const PHONES = ['+55 11 98765-4321', '+1 415 555 0100', '+44 7700 900123'];

function sample(n: number): AuditEntryInput[] {
	return Array.from({ length: n }, (_, i) => ({
		direction: (['inbound', 'outbound', 'status'] as const)[i % 3],
		event: ['message.received', 'message.sent', 'status.delivered'][i % 3],
		patientPhone: PHONES[i % PHONES.length],
		userId: `BR.${1000 + (i % PHONES.length)}`,
		messageId: `wamid.${i}`,
		template: i % 3 === 1 ? 'appointment_reminder' : null,
		purpose: i % 2 ? 'appointment-reminder' : 'patient-support',
		actor: { workflowId: 'wf-1', executionId: `ex-${Math.floor(i / 4)}`, node: 'Audit Log' },
		outcome: i % 7 === 6 ? ('serious-failure' as const) : ('success' as const),
		content: `message ${i} for the patient`,
		details: i % 3 === 2 ? { status: 'delivered' } : null,
	}));
}

describeEachBackend('audit log', (backend) => {
	let config: ClinicStoreConfig;
	let store: ClinicStore;
	beforeEach(async () => {
		config = await backend().fresh();
		store = await openClinicStore(config, { cache: false });
	});
	afterEach(async () => await store.close());

	async function seed(n = 12): Promise<void> {
		// Several executions' batches.
		const entries = sample(n);
		for (let i = 0; i < n; i += 4) await appendAuditEntries(store, entries.slice(i, i + 4));
		expect((await verifyAuditChain(store)).valid).toBe(true);
	}

	describe('tamper detection', () => {
		it('detects a modified entry (sealed form or an indexed column)', async () => {
			await seed();
			const [{ entry }] = await store.query<{ entry: string }>(
				'SELECT entry FROM clinic_audit_log WHERE seq = 3',
			);
			await store.query('UPDATE clinic_audit_log SET entry = $1 WHERE seq = 3', [
				entry.replace('"success"', '"minor-failure"'),
			]);
			expect((await verifyAuditChain(store)).broken).toMatchObject({ seq: 3, reason: 'modified' });
			await store.query('UPDATE clinic_audit_log SET entry = $1 WHERE seq = 3', [entry]);
			expect((await verifyAuditChain(store)).valid).toBe(true);
			// Hiding an entry from patient searches by changing its lookup column is caught too.
			await store.query("UPDATE clinic_audit_log SET patient_digest = 'x' WHERE seq = 9");
			expect((await verifyAuditChain(store)).broken).toMatchObject({ seq: 9, reason: 'modified' });
			await store.query("UPDATE clinic_audit_log SET outcome = 'success' WHERE seq = 7");
			const r = await verifyAuditChain(store, { pageSize: 4 });
			expect(r.valid).toBe(false);
			expect(r.broken).toMatchObject({ seq: 7, reason: 'modified' });
			expect(r.checked).toBe(6);
		});

		it('detects an entry rewritten with a recomputed hash (the next entry no longer links)', async () => {
			await seed();
			const { canonicalEntry, hashCanonical, rowFromSealed } = await import('../../../core/audit/entry');
			const [row] = await store.query<any>('SELECT * FROM clinic_audit_log WHERE seq = 5');
			const forged = { ...rowFromSealed(row), purpose: 'marketing' };
			const entry = canonicalEntry(forged);
			await store.query('UPDATE clinic_audit_log SET purpose = $1, entry = $2, hash = $3 WHERE seq = 5', [
				'marketing',
				entry,
				hashCanonical(row.prev_hash, entry),
			]);
			const r = await verifyAuditChain(store);
			expect(r.broken).toMatchObject({ seq: 5, reason: 'modified' });
		});

		it('detects a deleted entry (gap)', async () => {
			await seed();
			await store.query('DELETE FROM clinic_audit_log WHERE seq = 4');
			const r = await verifyAuditChain(store);
			expect(r.broken).toMatchObject({ seq: 4, reason: 'deleted' });
		});

		it('detects deleted newest entries against a checkpoint', async () => {
			await seed();
			const before = await verifyAuditChain(store);
			await store.query('DELETE FROM clinic_audit_log WHERE seq >= 11');
			expect((await verifyAuditChain(store)).valid).toBe(true); // a bare hash chain cannot see truncation…
			const r = await verifyAuditChain(store, {
				checkpoint: { seq: before.headSeq!, hash: before.headHash! },
			});
			expect(r.broken).toMatchObject({ seq: 12, reason: 'deleted' }); // …a checkpoint kept elsewhere can
		});

		it('detects an inserted entry (later entries renumbered, forged entry correctly hashed)', async () => {
			await seed();
			const { canonicalEntry, entryHash } = await import('../../../core/audit/entry');
			// Make room at seq 6 (shift 6..12 up by one, in descending order to keep the key unique).
			for (let s = 12; s >= 6; s--)
				await store.query('UPDATE clinic_audit_log SET seq = $1 WHERE seq = $2', [s + 1, s]);
			const [prev] = await store.query<any>('SELECT * FROM clinic_audit_log WHERE seq = 5');
			const forged = { ...prev, seq: 6, message_digest: 'f'.repeat(64), prev_hash: prev.hash };
			forged.entry = canonicalEntry(forged); // a careful forger also reseals the canonical form
			forged.hash = entryHash(prev.hash, forged);
			const cols = Object.keys(forged);
			await store.query(
				`INSERT INTO clinic_audit_log (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
				cols.map((c) => forged[c]),
			);
			const r = await verifyAuditChain(store);
			expect(r.broken).toMatchObject({ seq: 6, reason: 'inserted' });
		});

		it('detects reordered entries', async () => {
			await seed();
			await store.query('UPDATE clinic_audit_log SET seq = 1000 WHERE seq = 8');
			await store.query('UPDATE clinic_audit_log SET seq = 8 WHERE seq = 9');
			await store.query('UPDATE clinic_audit_log SET seq = 9 WHERE seq = 1000');
			const r = await verifyAuditChain(store);
			expect(r.broken).toMatchObject({ seq: 8, reason: 'reordered' });
		});

		it('detects removal of the oldest entries outside a purge', async () => {
			await seed();
			await store.query('DELETE FROM clinic_audit_log WHERE seq <= 3');
			expect((await verifyAuditChain(store)).broken).toMatchObject({ seq: 4, reason: 'deleted' });
		});
	});

	describe('append and query', () => {
		it('rejects a bad batch as a whole and writes nothing', async () => {
			await expect(
				appendAuditEntries(store, [{ direction: 'inbound' }, { direction: 'sideways' as never }]),
			).rejects.toThrow(/direction "sideways" is invalid/);
			expect(await store.query('SELECT seq FROM clinic_audit_log')).toHaveLength(0);
		});

		it('stores PHI only encrypted and digested', async () => {
			await seed(3);
			const rows = await store.query<Record<string, string>>('SELECT * FROM clinic_audit_log');
			const dump = JSON.stringify(rows);
			expect(dump).not.toContain('98765');
			expect(dump).not.toContain('message 0 for the patient');
			expect(dump).not.toContain('wamid.'); // message IDs encode the phone number: encrypted too
			expect(JSON.parse(rows[0].entry)[17]).toMatch(/^v2:test-2025:/); // content ciphertext inside the seal
			expect(JSON.parse(rows[0].entry)[19]).toMatch(/^v2:test-2025:/); // message ID ciphertext inside the seal
		});

		it('finds entries by patient phone in any format, user id, message id, direction, purpose and time', async () => {
			let t = Date.parse('2025-01-01T00:00:00Z');
			const entries = sample(12);
			for (let i = 0; i < 12; i += 3) {
				await appendAuditEntries(store, entries.slice(i, i + 3), { now: () => new Date(t) });
				t += 3_600_000;
			}
			const byPhone = await queryAuditEntries(store, { patientPhone: '5511987654321' });
			expect(byPhone.entries.map((e) => e.seq)).toEqual([1, 4, 7, 10]);
			expect(byPhone.entries[0].content).toBeUndefined();
			expect(byPhone.entries[0].messageId).toBeUndefined(); // PHI: only with includeContent
			expect(byPhone.entries[0].messageDigest).toMatch(/^[0-9a-f]{64}$/);
			expect((await queryAuditEntries(store, { userId: 'BR.1001' })).entries).toHaveLength(4);
			expect((await queryAuditEntries(store, { messageId: 'wamid.5' })).entries.map((e) => e.seq)).toEqual([
				6,
			]);
			expect((await queryAuditEntries(store, { direction: 'status' })).entries).toHaveLength(4);
			expect((await queryAuditEntries(store, { purpose: 'appointment-reminder' })).entries).toHaveLength(6);
			const window = await queryAuditEntries(store, {
				from: '2025-01-01T01:00:00Z',
				to: '2025-01-01T03:00:00Z',
			});
			expect(window.entries.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9]);
			const withContent = await queryAuditEntries(store, { messageId: 'wamid.0', includeContent: true });
			expect(withContent.entries[0]).toMatchObject({
				content: 'message 0 for the patient',
				patientPhone: '+5511987654321',
				messageId: 'wamid.0',
			});
		});

		it('pages through results with a cursor, each entry exactly once, in both orders', async () => {
			await seed(12);
			for (const order of ['asc', 'desc'] as const) {
				const seen: number[] = [];
				let cursor: string | undefined;
				do {
					const page = await queryAuditEntries(store, { limit: 5, cursor, order });
					seen.push(...page.entries.map((e) => e.seq));
					cursor = page.nextCursor ?? undefined;
				} while (cursor);
				const expected = Array.from({ length: 12 }, (_, i) => i + 1);
				expect(seen).toEqual(order === 'asc' ? expected : expected.reverse());
			}
		});
	});

	describe('entries written before message IDs were encrypted (canonical v2)', () => {
		/** Appends a v2 entry the way the previous version wrote it: message ID in clear, in the column and the seal. */
		async function appendLegacy(messageId: string): Promise<void> {
			const { canonicalEntryV2, hashCanonical, INDEXED_COLUMNS } = await import('../../../core/audit/entry');
			const [head] = await store.query<{ seq: number; hash: string }>(
				'SELECT seq, hash FROM clinic_audit_log ORDER BY seq DESC LIMIT 1',
			);
			const row: any = {
				seq: Number(head.seq) + 1,
				ts: new Date().toISOString(),
				kind: 'entry',
				direction: 'outbound',
				event: 'message.sent',
				message_id: messageId,
				outcome: 'success',
			};
			row.entry = canonicalEntryV2(row);
			row.prev_hash = head.hash;
			row.hash = hashCanonical(head.hash, row.entry);
			const cols = [...INDEXED_COLUMNS, 'message_id', 'prev_hash', 'hash', 'entry'];
			await store.query(
				`INSERT INTO clinic_audit_log (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
				cols.map((c) => row[c] ?? null),
			);
		}

		it('verify, are found by message ID and show it only with PHI output; a planted lookup value is caught', async () => {
			await seed(2);
			await appendLegacy('wamid.legacy');
			await appendAuditEntries(store, sample(1));
			expect(await verifyAuditChain(store)).toMatchObject({ valid: true, headSeq: 4 });
			const found = await queryAuditEntries(store, { messageId: 'wamid.legacy' });
			expect(found.entries.map((e) => e.seq)).toEqual([3]);
			expect(found.entries[0]).not.toHaveProperty('messageId');
			expect(found.entries[0].messageDigest).toBe(store.cipher.digest('wamid.legacy'));
			const shown = await queryAuditEntries(store, { messageId: 'wamid.legacy', includeContent: true });
			expect(shown.entries[0].messageId).toBe('wamid.legacy');
			// A v2 entry keeps its lookup value in message_id; a digest planted beside it is tampering.
			await store.query("UPDATE clinic_audit_log SET message_digest = 'x' WHERE seq = 3");
			expect((await verifyAuditChain(store)).broken).toMatchObject({ seq: 3, reason: 'modified' });
			await store.query('UPDATE clinic_audit_log SET message_digest = NULL WHERE seq = 3');
			// …and a clear message ID planted on a v3 entry (to make it match a search) too.
			await store.query("UPDATE clinic_audit_log SET message_id = 'wamid.legacy' WHERE seq = 4");
			expect((await verifyAuditChain(store)).broken).toMatchObject({ seq: 4, reason: 'modified' });
		});
	});

	describe('keys', () => {
		it('wrong key: refused on open with the fix, nothing lost; the right key still reads everything', async () => {
			await seed(3);
			await expect(
				openClinicStore(
					{ ...config, phi: { key: 'a different passphrase entirely', keyId: 'test-2025' } },
					{ cache: false },
				),
			).rejects.toThrow(/does not match the data stored under key ID "test-2025"/);
			const page = await queryAuditEntries(store, { includeContent: true });
			expect(page.entries.map((e) => e.content)).toEqual([
				'message 0 for the patient',
				'message 1 for the patient',
				'message 2 for the patient',
			]);
			expect((await verifyAuditChain(store)).valid).toBe(true);
		});

		it('a ciphertext moved to another entry does not decrypt (bound to its entry); the chain flags the move', async () => {
			await seed(3);
			const rows = await store.query<{ seq: number; entry: string }>(
				'SELECT seq, entry FROM clinic_audit_log ORDER BY seq',
			);
			const one = JSON.parse(rows[0].entry);
			const two = JSON.parse(rows[1].entry);
			one[17] = two[17];
			await store.query('UPDATE clinic_audit_log SET entry = $1 WHERE seq = 1', [JSON.stringify(one)]);
			await expect(queryAuditEntries(store, { messageId: 'wamid.0', includeContent: true })).rejects.toThrow(
				/does not match key id "test-2025" used for this entry \(or the entry was altered or moved\)/,
			);
			expect((await verifyAuditChain(store)).broken).toMatchObject({ seq: 1, reason: 'modified' });
		});

		it('rotation: old entries readable and findable (also by message ID) with the previous key; a missing old key is refused on open', async () => {
			await seed(3);
			const rotated = await openClinicStore(
				{ ...config, phi: { key: 'cd'.repeat(32), keyId: 'k-2026', previousKeys: [config.phi] } },
				{ cache: false },
			);
			await appendAuditEntries(rotated, [
				{ direction: 'outbound', patientPhone: PHONES[0], messageId: 'wamid.new', content: 'after rotation' },
			]);
			const mine = await queryAuditEntries(rotated, { patientPhone: PHONES[0], includeContent: true });
			expect(mine.entries.map((e) => e.content)).toEqual(['message 0 for the patient', 'after rotation']);
			const old = await queryAuditEntries(rotated, { messageId: 'wamid.1', includeContent: true });
			expect(old.entries.map((e) => [e.seq, e.messageId])).toEqual([[2, 'wamid.1']]);
			await rotated.close();
			await expect(
				openClinicStore({ ...config, phi: { key: 'cd'.repeat(32), keyId: 'k-2026' } }, { cache: false }),
			).rejects.toThrow(
				/"test-2025" is no longer in the Clinic Store credential, but 3 stored rows still depend on it/,
			);
		});
	});

	describe('retention purge', () => {
		it('removes old entries, appends an anchor, and the remaining chain verifies; tampering after purge is caught', async () => {
			const day = 86_400_000;
			const start = Date.parse('2019-01-01T00:00:00Z');
			const entries = sample(10);
			for (let i = 0; i < 10; i++)
				await appendAuditEntries(store, [entries[i]], { now: () => new Date(start + i * 365 * day) });
			const now = () => new Date(start + 10 * 365 * day);
			const dry = await purgeAuditEntries(store, { now, dryRun: true });
			expect(dry).toMatchObject({ purgedCount: 4, dryRun: true });
			expect(await store.query('SELECT seq FROM clinic_audit_log')).toHaveLength(10);
			const res = await purgeAuditEntries(store, { now }); // 6 years: entries 1-4 are older
			expect(res).toMatchObject({ purgedCount: 4, purgedThroughSeq: 4, anchorSeq: 11 });
			const v = await verifyAuditChain(store);
			expect(v).toMatchObject({
				valid: true,
				firstSeq: 5,
				headSeq: 11,
				checked: 7,
				anchor: { seq: 11, purgedThroughSeq: 4 },
			});
			// A second purge later keeps it verifiable.
			await purgeAuditEntries(store, { now: () => new Date(start + 12 * 365 * day) });
			expect((await verifyAuditChain(store)).valid).toBe(true);
			// Removing an entry after the anchor's range is caught.
			const [{ seq: first }] = await store.query<{ seq: number }>(
				'SELECT MIN(seq) AS seq FROM clinic_audit_log',
			);
			await store.query('DELETE FROM clinic_audit_log WHERE seq = $1', [first]);
			expect((await verifyAuditChain(store)).broken).toMatchObject({ reason: 'anchor-mismatch' });
		});
	});

	describe('export', () => {
		it('exports a patient as CSV and as a FHIR R4 AuditEvent bundle', async () => {
			await seed(9);
			const csv = await exportAuditCsv(store, { patientPhone: PHONES[1] });
			const lines = csv.data.toString('utf8').trim().split('\r\n');
			expect(csv.mimeType).toBe('text/csv');
			expect(lines[0].split(',')).toEqual(
				expect.arrayContaining(['seq', 'recorded_at', 'direction', 'content_digest', 'hash']),
			);
			expect(lines).toHaveLength(1 + 3);
			expect(csv.data.toString()).not.toContain('message 1');
			const fhir = await exportAuditFhirBundle(store, { patientPhone: PHONES[1], includeContent: true });
			const bundle = JSON.parse(fhir.data.toString('utf8'));
			expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
			expect(bundle.entry).toHaveLength(3);
			const ev = bundle.entry[0].resource;
			expect(ev).toMatchObject({
				resourceType: 'AuditEvent',
				action: 'E',
				outcome: '0',
				type: { code: '110106' },
			});
			expect(ev.entity[0].what.identifier.value).toBe('tel:+14155550100');
			expect(ev.entity[1].what.identifier.value).toBe('wamid.1');
		});
	});
});
