/**
 * The audit log's logic (chain, verify, query, export, retention) on the in-memory repository: tamper detection,
 * sealed purge anchors against every deletion pattern, message IDs as PHI, From/To parsing.
 */
import { randomBytes } from 'node:crypto';

import { DateTime } from 'luxon';

import {
	type AuditEntryInput,
	MemoryAuditRepository,
	appendAuditEntries,
	exportAuditCsv,
	parseQueryTime,
	purgeAuditEntries,
	queryAuditEntries,
	verifyAuditChain,
} from '../../../core/audit';
import { canonicalEntry, hashCanonical } from '../../../core/audit/entry';
import type { StoredRow } from '../../../core/audit/repositories';
import { createPhiCipher } from '../../../core/store/phi-cipher';

const DAY = 86_400_000;
const START = Date.parse('2019-01-01T00:00:00Z');
const key = { keyId: 'k1', root: randomBytes(32) };

function entry(i: number): AuditEntryInput {
	return {
		direction: (['inbound', 'outbound', 'status'] as const)[i % 3],
		event: ['message.received', 'message.sent', 'status.delivered'][i % 3],
		patientPhone: i % 2 ? '+55 11 98765-4321' : '+1 415 555 0100',
		userId: `BR.${i % 2}`,
		messageId: `wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEY${i}`,
		purpose: i % 2 ? 'appointment-reminder' : 'patient-support',
		content: `message ${i}`,
	};
}

/** A repository with `n` entries, entry i recorded on day i after START. */
async function seeded(n = 10): Promise<MemoryAuditRepository> {
	const repo = new MemoryAuditRepository(createPhiCipher(key));
	for (let i = 0; i < n; i++)
		await appendAuditEntries(repo, [entry(i)], { now: () => new Date(START + i * DAY) });
	return repo;
}

const at = (repo: MemoryAuditRepository, seq: number) => repo.rows.find((r) => r.seq === seq)!;
const remove = (repo: MemoryAuditRepository, keep: (r: StoredRow) => boolean) =>
	repo.rows.splice(0, repo.rows.length, ...repo.rows.filter(keep));

/** Without the key: a chained anchor row claiming a purge, appended at the head. */
function forgeAnchor(repo: MemoryAuditRepository, seq: number, prevHash: string, details: object): void {
	const row = {
		seq,
		ts: new Date().toISOString(),
		kind: 'anchor' as const,
		direction: 'system' as const,
		event: 'audit.retention-purge',
		patient_digest: null,
		patient_enc: null,
		user_id: null,
		template: null,
		purpose: null,
		workflow_id: null,
		execution_id: null,
		node: null,
		outcome: 'success' as const,
		content_digest: null,
		content_enc: null,
		details: JSON.stringify(details),
	};
	const sealed = canonicalEntry(row);
	repo.rows.push({ ...row, prev_hash: prevHash, hash: hashCanonical(prevHash, sealed), entry: sealed });
}

describe('audit chain on the in-memory repository', () => {
	it('appends batches in one write, verifies, and rolls a failed write back', async () => {
		const repo = await seeded(4);
		const v = await verifyAuditChain(repo);
		expect(v).toMatchObject({ valid: true, checked: 4, firstSeq: 1, headSeq: 4 });
		await expect(appendAuditEntries(repo, [entry(5), { direction: 'sideways' as never }])).rejects.toThrow(
			/direction "sideways" is invalid/,
		);
		await expect(
			repo.write(async (w) => {
				await w.deleteThrough(4);
				throw new Error('boom');
			}),
		).rejects.toThrow('boom');
		expect(repo.rows).toHaveLength(4);
	});

	it('detects modified, rewritten, inserted, reordered and deleted entries', async () => {
		let repo = await seeded();
		at(repo, 3).purpose = 'marketing'; // a lookup column
		expect((await verifyAuditChain(repo)).broken).toMatchObject({ seq: 3, reason: 'modified' });

		repo = await seeded();
		at(repo, 5).message_id = 'wamid.planted'; // the column a v3 entry leaves empty
		expect((await verifyAuditChain(repo)).broken).toMatchObject({ seq: 5, reason: 'modified' });

		repo = await seeded();
		const five = at(repo, 5);
		five.entry = five.entry!.replace('"success"', '"minor-failure"');
		five.hash = hashCanonical(five.prev_hash, five.entry); // rewritten with a recomputed hash
		expect((await verifyAuditChain(repo)).broken).toMatchObject({ seq: 5, reason: 'modified' });

		repo = await seeded();
		for (const r of repo.rows) if (r.seq >= 6) r.seq += 1;
		const prev = at(repo, 5);
		const forged = { ...prev, seq: 6, prev_hash: prev.hash };
		forged.entry = canonicalEntry(forged);
		forged.hash = hashCanonical(prev.hash, forged.entry);
		repo.rows.push(forged);
		expect((await verifyAuditChain(repo)).broken).toMatchObject({ seq: 6, reason: 'inserted' });

		repo = await seeded();
		at(repo, 8).seq = 1000;
		at(repo, 9).seq = 8;
		at(repo, 1000).seq = 9;
		expect((await verifyAuditChain(repo)).broken).toMatchObject({ seq: 8, reason: 'reordered' });
	});

	describe('a checkpoint detects deletion, whatever was deleted', () => {
		let repo: MemoryAuditRepository;
		let checkpoint: { seq: number; hash: string };
		beforeEach(async () => {
			repo = await seeded();
			const v = await verifyAuditChain(repo);
			checkpoint = { seq: v.headSeq!, hash: v.headHash! };
		});

		it('prefix: no anchor, a forged anchor, or a real seal copied into a forged anchor', async () => {
			remove(repo, (r) => r.seq > 3);
			expect((await verifyAuditChain(repo, { checkpoint })).broken).toMatchObject({
				seq: 4,
				reason: 'deleted',
			});
			forgeAnchor(repo, 11, checkpoint.hash, { purgedThroughSeq: 3, purgedLastHash: at(repo, 4).prev_hash });
			expect((await verifyAuditChain(repo, { checkpoint })).broken).toMatchObject({
				seq: 11,
				reason: 'anchor-unsealed',
			});
			// A seal made by the store for another anchor (another seq) does not open here.
			const other = await seeded(2);
			await purgeAuditEntries(other, { now: () => new Date(START + 3000 * DAY) });
			const seal = JSON.parse(JSON.parse(other.rows[0].entry!)[18]).seal as string;
			repo.rows.pop();
			forgeAnchor(repo, 11, checkpoint.hash, {
				purgedFromSeq: 1,
				purgedThroughSeq: 3,
				purgedLastHash: at(repo, 4).prev_hash,
				seal,
			});
			expect((await verifyAuditChain(repo, { checkpoint })).broken).toMatchObject({
				seq: 11,
				reason: 'anchor-forged',
			});
		});

		it('prefix: a ciphertext of text the attacker chose (a patient message) is no seal', async () => {
			// The attacker sends a message whose text is the seal payload they need; its ciphertext is in the log.
			await appendAuditEntries(repo, [{ direction: 'inbound', content: 'anything the attacker wants' }]);
			const chosen = JSON.parse(at(repo, 11).entry!)[17] as string;
			remove(repo, (r) => r.seq > 3);
			forgeAnchor(repo, 12, at(repo, 11).hash, {
				purgedFromSeq: 1,
				purgedThroughSeq: 3,
				purgedLastHash: at(repo, 4).prev_hash,
				seal: chosen,
			});
			expect((await verifyAuditChain(repo)).broken).toMatchObject({ seq: 12, reason: 'anchor-forged' });
		});

		it('all: an empty log, or only a forged anchor', async () => {
			remove(repo, () => false);
			expect((await verifyAuditChain(repo)).valid).toBe(true); // no chain can see this on its own…
			expect((await verifyAuditChain(repo, { checkpoint })).broken).toMatchObject({
				seq: 10,
				reason: 'deleted',
			}); // …the checkpoint does
			forgeAnchor(repo, 11, checkpoint.hash, { purgedThroughSeq: 10, purgedLastHash: checkpoint.hash });
			expect((await verifyAuditChain(repo, { checkpoint })).valid).toBe(false);
		});

		it('middle and tail', async () => {
			remove(repo, (r) => r.seq !== 5);
			expect((await verifyAuditChain(repo, { checkpoint })).broken).toMatchObject({
				seq: 5,
				reason: 'deleted',
			});
			repo = await seeded();
			remove(repo, (r) => r.seq < 8);
			expect((await verifyAuditChain(repo)).valid).toBe(true);
			expect((await verifyAuditChain(repo, { checkpoint })).broken).toMatchObject({
				seq: checkpoint.seq,
				reason: 'deleted',
			});
		});

		it('a deletion before a real purge is not laundered by it', async () => {
			remove(repo, (r) => r.seq > 2); // attacker removes 1..2
			await purgeAuditEntries(repo, { now: () => new Date(START + 2195 * DAY) }); // purges 3..5
			const v = await verifyAuditChain(repo);
			expect(v.broken).toMatchObject({ seq: 1, reason: 'deleted' });
			expect(v.broken?.message).toMatch(/Entries 1 to 2 were already missing/);
		});
	});

	it('real purges keep the chain valid; an old checkpoint is accepted when the sealed anchor covers it', async () => {
		const repo = await seeded();
		const before = await verifyAuditChain(repo);
		const third = at(repo, 3).hash;
		const first = await purgeAuditEntries(repo, { now: () => new Date(START + 2193 * DAY) }); // 6 years after day 3
		expect(first).toMatchObject({ purgedCount: 3, purgedThroughSeq: 3, anchorSeq: 11 });
		await purgeAuditEntries(repo, { now: () => new Date(START + 2197 * DAY) }); // then 4..7 (and not the anchor)
		const v = await verifyAuditChain(repo, { checkpoint: { seq: before.headSeq!, hash: before.headHash! } });
		expect(v).toMatchObject({
			valid: true,
			firstSeq: 8,
			anchor: { seq: 12, purgedFromSeq: 1, purgedThroughSeq: 7 },
		});
		expect((await verifyAuditChain(repo, { checkpoint: { seq: 3, hash: third } })).valid).toBe(true);
		expect((await verifyAuditChain(repo, { checkpoint: { seq: 7, hash: third } })).broken).toMatchObject({
			seq: 7,
			reason: 'checkpoint-mismatch',
		});
		// Editing the sealed anchor's details breaks its seal (and its hash).
		const anchor = at(repo, 12);
		anchor.entry = anchor.entry!.replace('purgedCount\\":4', 'purgedCount\\":3');
		expect(anchor.entry).toContain('purgedCount\\":3');
		expect((await verifyAuditChain(repo)).valid).toBe(false);
	});

	it('a checkpoint that is not one is refused, naming the field', async () => {
		const repo = await seeded(1);
		await expect(
			verifyAuditChain(repo, { checkpoint: { seq: 0, hash: 'a'.repeat(64) } }),
		).rejects.toMatchObject({
			field: 'Checkpoint Seq',
		});
		await expect(verifyAuditChain(repo, { checkpoint: { seq: 1, hash: 'xyz' } })).rejects.toMatchObject({
			field: 'Checkpoint Hash',
		});
	});

	describe('query and export', () => {
		it('message IDs: stored only as digest and ciphertext, found by ID, shown only with PHI output', async () => {
			const repo = await seeded(4);
			expect(JSON.stringify(repo.rows)).not.toContain('wamid.');
			const hidden = await queryAuditEntries(repo, { messageId: entry(2).messageId! });
			expect(hidden.entries.map((e) => e.seq)).toEqual([3]);
			expect(hidden.entries[0]).not.toHaveProperty('messageId');
			expect(hidden.entries[0].messageDigest).toMatch(/^[0-9a-f]{64}$/);
			const shown = await queryAuditEntries(repo, { messageId: entry(2).messageId!, includeContent: true });
			expect(shown.entries[0]).toMatchObject({ messageId: entry(2).messageId, content: 'message 2' });
			const csv = (await exportAuditCsv(repo, {})).data.toString('utf8');
			expect(csv.split('\r\n')[0]).toContain('message_digest');
			expect(csv).not.toContain('message_id');
			expect(csv).not.toContain('wamid.');
			const full = (await exportAuditCsv(repo, { includeContent: true })).data.toString('utf8');
			expect(full.split('\r\n')[0]).toContain('message_id');
			expect(full).toContain(entry(2).messageId);
		});

		it('call IDs (a wacid encodes the caller’s number): details keep only their keyed digest, the chain verifies', async () => {
			const cipher = createPhiCipher(key);
			const repo = new MemoryAuditRepository(cipher);
			const callId = 'wacid.HBgNNTUxMTk4NzY1NDMyMRUCABEYFjNFQjBCQzg2';
			await appendAuditEntries(repo, [
				{
					direction: 'inbound',
					event: 'call.missed',
					patientPhone: '+55 11 98765-4321',
					details: { callId, direction: 'USER_INITIATED', status: 'FAILED', durationSeconds: null },
				},
			]);
			expect(JSON.stringify(repo.rows)).not.toContain('wacid.');
			expect(JSON.stringify(repo.rows)).not.toContain('HBgNNTUx');
			const [stored] = (await queryAuditEntries(repo, { includeContent: true })).entries;
			expect(stored.details).toEqual({
				callDigest: cipher.digest(callId),
				direction: 'USER_INITIATED',
				status: 'FAILED',
				durationSeconds: null,
			});
			expect((await verifyAuditChain(repo)).valid).toBe(true);
		});

		it('filters by patient, user, direction, purpose and period; pages both ways', async () => {
			const repo = await seeded(10);
			expect((await queryAuditEntries(repo, { patientPhone: '5511987654321' })).entries).toHaveLength(5);
			expect(
				(await queryAuditEntries(repo, { userId: 'BR.0', direction: 'inbound' })).entries.map((e) => e.seq),
			).toEqual([1, 7]);
			const period = await queryAuditEntries(repo, {
				from: '2019-01-03',
				to: '2019-01-05T00:00:00Z',
				timeZone: 'UTC',
			});
			expect(period.entries.map((e) => e.seq)).toEqual([3, 4]);
			for (const order of ['asc', 'desc'] as const) {
				const seen: number[] = [];
				let cursor: string | undefined;
				do {
					const page = await queryAuditEntries(repo, { limit: 3, cursor, order, purpose: 'patient-support' });
					seen.push(...page.entries.map((e) => e.seq));
					cursor = page.nextCursor ?? undefined;
				} while (cursor);
				expect(seen).toEqual(order === 'asc' ? [1, 3, 5, 7, 9] : [9, 7, 5, 3, 1]);
			}
		});
	});

	describe('From / To', () => {
		it('accept ISO 8601 text (offset-less in the given zone), luxon/n8n DateTimes and Dates', () => {
			expect(parseQueryTime('2025-01-31', 'From', 'UTC')).toBe('2025-01-31T00:00:00.000Z');
			expect(parseQueryTime('2025-01-31T08:00:00', 'From', 'America/Sao_Paulo')).toBe(
				'2025-01-31T11:00:00.000Z',
			);
			expect(parseQueryTime('2025-01-31T08:00:00+01:00', 'From', 'America/Sao_Paulo')).toBe(
				'2025-01-31T07:00:00.000Z',
			);
			expect(parseQueryTime(DateTime.fromISO('2025-01-31T08:00:00Z'), 'To')).toBe('2025-01-31T08:00:00.000Z');
			expect(parseQueryTime(new Date('2025-01-31T08:00:00Z'), 'To')).toBe('2025-01-31T08:00:00.000Z');
		});

		it('refuse anything else with an error naming the field', () => {
			for (const bad of [
				'Patient 12',
				'March 3',
				'31/01/2025',
				'',
				12,
				{},
				DateTime.invalid('nope'),
				new Date('x'),
			]) {
				expect(() => parseQueryTime(bad, 'From')).toThrow(/"From" is not an ISO 8601 date\/time/);
			}
			let error: unknown;
			try {
				parseQueryTime('Patient 12', 'To');
			} catch (e) {
				error = e;
			}
			expect(error).toMatchObject({
				field: 'To',
				code: 'invalid_input',
				hint: expect.stringContaining('ISO 8601'),
			});
		});
	});
});
