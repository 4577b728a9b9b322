/**
 * Retention purge anchors. A purge deletes the oldest entries and appends an `anchor` entry whose details say which
 * entries went (`purgedFromSeq`..`purgedThroughSeq`, the last one's hash, how many) — and carry a **seal**: the
 * anchor's own seq, previous hash and time plus those details, encrypted with the PHI key (AES-256-GCM) and bound to
 * the place `(clinic_audit_log, anchor_seal, <anchor seq>)`. GCM's tag makes the seal a keyed MAC: without the PHI
 * key nobody can make one, and one copied to another anchor or edited does not open. The place binding keeps every
 * other ciphertext the log holds (message texts a patient chose, for instance) from passing as a seal.
 *
 * So someone with write access to the database but not the key cannot delete entries and "explain" the gap with a
 * self-made anchor: Verify accepts a chain that starts after entry 1 only when a sealed anchor covers exactly the
 * missing entries, from entry 1 on.
 */
import { PhiKeyError } from '../store/phi-cipher';
import type { PhiCipher } from '../store/ports';
import { DETAILS_POSITION } from './entry';
import type { AuditReader, StoredLink } from './repositories/port';
import { auditPlace } from './schema';

const SEAL_VERSION = 'wac-audit-anchor-v1';
const SEAL_COLUMN = 'anchor_seal';

export interface AnchorDetails {
	/** First entry the purges up to this one removed (1 unless entries were missing before the purge). */
	purgedFromSeq?: number;
	purgedThroughSeq: number;
	purgedLastHash: string;
	purgedCount?: number;
	cutoff?: string;
	retentionDays?: number;
	/** The seal (absent on anchors written before anchors were sealed). */
	seal?: string;
}

/** Where an anchor sits in the chain (what the seal binds besides the details). */
export interface AnchorPosition {
	seq: number;
	prevHash: string;
	ts: string;
}

/** The anchor details sealed in an anchor's canonical entry, or null when they are not anchor details. */
export function anchorDetails(link: Pick<StoredLink, 'canonical'>): AnchorDetails | null {
	try {
		const sealed = JSON.parse(link.canonical) as unknown[];
		const d = JSON.parse(String(sealed[DETAILS_POSITION])) as Partial<AnchorDetails>;
		if (typeof d.purgedThroughSeq === 'number' && typeof d.purgedLastHash === 'string')
			return d as AnchorDetails;
	} catch {
		return null;
	}
	return null;
}

function sealPayload(at: AnchorPosition, d: AnchorDetails): string {
	return JSON.stringify([
		SEAL_VERSION,
		at.seq,
		at.prevHash,
		at.ts,
		d.purgedFromSeq ?? null,
		d.purgedThroughSeq,
		d.purgedLastHash,
		d.purgedCount ?? null,
		d.cutoff ?? null,
		d.retentionDays ?? null,
	]);
}

/** The seal of an anchor written at `at` with details `d` (without `seal`). */
export function sealAnchor(cipher: PhiCipher, at: AnchorPosition, d: AnchorDetails): string {
	return cipher.encrypt(sealPayload(at, d), auditPlace(SEAL_COLUMN, at.seq));
}

export type AnchorCheck = 'sealed' | 'unsealed' | 'forged';

/**
 * Whether the anchor at `link` carries a valid seal for its position and details. A seal made with a key that is
 * not configured cannot be checked: that throws PhiKeyError (add the key under Previous Keys) instead of calling the
 * anchor forged.
 */
export function checkAnchorSeal(cipher: PhiCipher, link: StoredLink, d: AnchorDetails): AnchorCheck {
	if (!d.seal) return 'unsealed';
	// Only place-bound ciphertexts can be seals (the old v1 format binds no place).
	const m = /^v2:([A-Za-z0-9._-]{1,64}):/.exec(d.seal);
	if (!m) return 'forged';
	const keyId = m[1];
	if (!cipher.keyIds().includes(keyId)) {
		throw new PhiKeyError(
			`The purge anchor at entry ${link.seq} was sealed with PHI key id "${keyId}", which is not configured`,
			keyId,
			{
				code: 'phi_key_missing',
				field: 'Previous Keys',
				hint: `Add the key with ID "${keyId}" under Previous Keys in the Clinic Store credential, then run the operation again. Nothing was changed.`,
			},
		);
	}
	const ts = String((JSON.parse(link.canonical) as unknown[])[2]);
	const { seal, ...details } = d;
	let opened: string;
	try {
		opened = cipher.decrypt(seal, auditPlace(SEAL_COLUMN, link.seq));
	} catch {
		return 'forged';
	}
	return opened === sealPayload({ seq: link.seq, prevHash: link.prevHash, ts }, details)
		? 'sealed'
		: 'forged';
}

export interface StartAnchor {
	link: StoredLink;
	details: AnchorDetails;
}

/**
 * The anchor that explains why the chain starts at `first` (seq > 1): it ends at the entry before `first` with
 * `first`'s previous hash. `anchors` counts every anchor row (for the message when none matches).
 */
export async function findStartAnchor(
	reader: AuditReader,
	first: StoredLink,
): Promise<{ anchors: number; match: StartAnchor | null }> {
	const anchors = await reader.anchors();
	for (const link of anchors) {
		const details = anchorDetails(link);
		if (details && details.purgedThroughSeq === first.seq - 1 && details.purgedLastHash === first.prevHash)
			return { anchors: anchors.length, match: { link, details } };
	}
	return { anchors: anchors.length, match: null };
}

/**
 * The first entry a purge now would cover from: 1 when the chain starts at entry 1 or after a sealed anchor that
 * covers everything before; otherwise the first entry present (so entries missing before it stay reported).
 */
export async function coveredFrom(cipher: PhiCipher, reader: AuditReader): Promise<number> {
	const [first] = await reader.links(0, 1);
	if (!first || first.seq === 1) return 1;
	const { match } = await findStartAnchor(reader, first);
	if (!match || checkAnchorSeal(cipher, match.link, match.details) !== 'sealed') return first.seq;
	return match.details.purgedFromSeq ?? first.seq;
}
