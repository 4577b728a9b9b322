/**
 * Audit log attacks by someone with write access to the database but not the PHI key (issue 14), on both backends:
 * deleting entries and "explaining" the gap with a self-made purge anchor (item 2), reading message IDs, which
 * encode the patient's phone number (item 3), and From/To values that are not dates (item 10).
 */
import {
	appendAuditEntries,
	purgeAuditEntries,
	queryAuditEntries,
	verifyAuditChain,
	type AuditEntryInput,
} from '../../../core/audit';
import { INDEXED_COLUMNS, canonicalEntry, hashCanonical } from '../../../core/audit/entry';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import type { ClinicStore } from '../../../core/store/ports';
import { describeEachBackend } from './backends';

afterAll(async () => await closeAllClinicStores());

const DAY = 86_400_000;

function entry(i: number): AuditEntryInput {
	return {
		direction: i % 2 ? 'outbound' : 'inbound',
		event: i % 2 ? 'message.sent' : 'message.received',
		patientPhone: '+5511987654321',
		messageId: `wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ${i}`,
		content: `message ${i}`,
	};
}

/** What an attacker can do without the key: write a chained `anchor` row claiming a purge. */
async function forgeAnchor(
	store: ClinicStore,
	at: { seq: number; prevHash: string },
	details: Record<string, unknown>,
): Promise<void> {
	const row: any = {
		seq: at.seq,
		ts: new Date().toISOString(),
		kind: 'anchor',
		direction: 'system',
		event: 'audit.retention-purge',
		outcome: 'success',
		details: JSON.stringify(details),
	};
	row.entry = canonicalEntry(row);
	row.prev_hash = at.prevHash;
	row.hash = hashCanonical(at.prevHash, row.entry);
	const cols = [...INDEXED_COLUMNS, 'prev_hash', 'hash', 'entry'];
	await store.query(
		`INSERT INTO clinic_audit_log (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
		cols.map((c) => row[c] ?? null),
	);
}

async function rowAt(
	store: ClinicStore,
	seq: number,
): Promise<{ seq: number; hash: string; prev_hash: string }> {
	const [row] = await store.query<{ seq: number; hash: string; prev_hash: string }>(
		'SELECT seq, hash, prev_hash FROM clinic_audit_log WHERE seq = $1',
		[seq],
	);
	return { ...row, seq: Number(row.seq) };
}

describeEachBackend('audit log under attack', (backend) => {
	let store: ClinicStore;
	let checkpoint: { seq: number; hash: string };
	beforeEach(async () => {
		store = await openClinicStore(await backend().fresh(), { cache: false });
		for (let i = 0; i < 10; i++) await appendAuditEntries(store, [entry(i)]);
		const v = await verifyAuditChain(store);
		checkpoint = { seq: v.headSeq!, hash: v.headHash! };
	});
	afterEach(async () => await store.close());

	describe('item 2: a self-made purge anchor does not explain deleted entries', () => {
		it('prefix deleted + forged anchor at the head: broken, with and without a checkpoint', async () => {
			const four = await rowAt(store, 4);
			await store.query('DELETE FROM clinic_audit_log WHERE seq <= 4');
			await forgeAnchor(
				store,
				{ seq: 11, prevHash: checkpoint.hash },
				{ purgedThroughSeq: 4, purgedLastHash: four.hash, purgedCount: 4 },
			);
			const plain = await verifyAuditChain(store);
			expect(plain.valid).toBe(false);
			expect(plain.broken).toMatchObject({ seq: 11, reason: 'anchor-unsealed' });
			const withCheckpoint = await verifyAuditChain(store, { checkpoint: { seq: 3, hash: 'a'.repeat(64) } });
			expect(withCheckpoint.valid).toBe(false);
		});

		it('everything deleted + one forged anchor: broken, with and without a checkpoint', async () => {
			await store.query('DELETE FROM clinic_audit_log');
			await forgeAnchor(
				store,
				{ seq: 11, prevHash: checkpoint.hash },
				{ purgedThroughSeq: 10, purgedLastHash: checkpoint.hash, purgedCount: 10 },
			);
			expect((await verifyAuditChain(store)).valid).toBe(false);
			const r = await verifyAuditChain(store, { checkpoint });
			expect(r.valid).toBe(false);
			expect(r.broken?.reason).toBe('anchor-unsealed');
		});

		it('a real purge still verifies, and a checkpoint from before it is accepted', async () => {
			const old = await rowAt(store, 4);
			const res = await purgeAuditEntries(store, {
				now: () => new Date(Date.now() + 2190 * DAY + 60_000),
				retentionDays: 2190,
			});
			// Everything was recorded "now": a purge 6 years later removes all 10 and anchors at 11.
			expect(res).toMatchObject({ purgedCount: 10, purgedThroughSeq: 10, anchorSeq: 11 });
			const v = await verifyAuditChain(store, { checkpoint });
			expect(v).toMatchObject({ valid: true, anchor: { seq: 11, purgedFromSeq: 1, purgedThroughSeq: 10 } });
			expect((await verifyAuditChain(store, { checkpoint: { seq: 4, hash: old.hash } })).valid).toBe(true);
			// The checkpoint at the last purged entry must still match the hash the anchor recorded.
			const wrong = await verifyAuditChain(store, { checkpoint: { seq: 10, hash: 'b'.repeat(64) } });
			expect(wrong.broken).toMatchObject({ seq: 10, reason: 'checkpoint-mismatch' });
		});

		it('a sealed anchor copied onto the chain after a deletion does not open there', async () => {
			await purgeAuditEntries(store, { now: () => new Date(Date.now() + 10 * DAY), retentionDays: 1 });
			const [real] = await store.query<{ entry: string }>(
				"SELECT entry FROM clinic_audit_log WHERE kind = 'anchor'",
			);
			const realDetails = JSON.parse(JSON.parse(real.entry)[18]);
			for (let i = 0; i < 5; i++) await appendAuditEntries(store, [entry(20 + i)]); // 12..16
			// The attacker deletes up to 13 and claims it with an anchor carrying the real anchor's seal.
			const thirteen = await rowAt(store, 13);
			const head = await verifyAuditChain(store);
			await store.query('DELETE FROM clinic_audit_log WHERE seq <= 13');
			await forgeAnchor(
				store,
				{ seq: head.headSeq! + 1, prevHash: head.headHash! },
				{ ...realDetails, purgedFromSeq: 1, purgedThroughSeq: 13, purgedLastHash: thirteen.hash },
			);
			const r = await verifyAuditChain(store);
			expect(r.broken).toMatchObject({ reason: 'anchor-forged' });
		});
	});

	describe('item 3: message IDs are PHI', () => {
		it('are stored encrypted, found through their digest, shown only with PHI output on', async () => {
			const dump = JSON.stringify(await store.query('SELECT * FROM clinic_audit_log'));
			expect(dump).not.toContain('wamid.');
			expect(dump).not.toContain('HBgNNTUxMTk4NzY1NDMy'); // base64 of the phone number inside a wamid
			const hidden = await queryAuditEntries(store, { messageId: entry(3).messageId! });
			expect(hidden.entries.map((e) => e.seq)).toEqual([4]);
			expect(hidden.entries[0]).not.toHaveProperty('messageId');
			const shown = await queryAuditEntries(store, { messageId: entry(3).messageId!, includeContent: true });
			expect(shown.entries[0].messageId).toBe(entry(3).messageId);
		});
	});

	describe('item 10: From/To accept dates only', () => {
		it('refuses text that new Date() would read as a date, naming the field', async () => {
			await expect(queryAuditEntries(store, { from: 'Patient 12' })).rejects.toThrow(
				/"From" is not an ISO 8601 date\/time/,
			);
			await expect(queryAuditEntries(store, { to: 'March 3' })).rejects.toThrow(/"To" is not an ISO 8601/);
			const all = await queryAuditEntries(store, { from: '2000-01-01', to: '2999-12-31T00:00:00Z' });
			expect(all.entries).toHaveLength(10);
		});
	});
});
