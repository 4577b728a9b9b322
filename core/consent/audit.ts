/**
 * Consent changes → clinic audit log, in the SAME transaction as the consent write (so a change is never stored
 * without its audit entry). Entry: direction `system`, event `consent.granted` / `consent.withdrawn`, purpose,
 * actor (workflow, execution, node), outcome `success`, message id, patient phone/user ID (the audit module encrypts
 * and digests them), and non-PHI details (action, channel, keyword, consent event id, expiry).
 */
import { AUDIT_LOCK_KEY, type AuditEntryInput, prepareEntry } from '../audit';
import { appendPrepared } from '../audit/chain';
import type { ClinicStore } from '../store';
import type { ConsentAuditSink, ConsentChange } from './service';

export function consentAuditEntry(change: ConsentChange): AuditEntryInput {
	const { event, identity } = change;
	return {
		direction: 'system',
		event: event.action === 'opt_in' ? 'consent.granted' : 'consent.withdrawn',
		patientPhone: identity.phone,
		userId: identity.userId,
		messageId: event.evidence.sourceMessageId,
		purpose: event.purpose === '*' ? 'all' : event.purpose,
		actor: event.evidence.actor,
		outcome: 'success',
		details: {
			action: event.action,
			channel: event.evidence.channel,
			keyword: event.evidence.keyword ?? null,
			consentEventId: event.id,
			expiresAt: event.expiresAt === null ? null : new Date(event.expiresAt).toISOString(),
		},
	};
}

/** Audit sink on the clinic store. Inside a consent transaction it also takes the audit chain lock (Postgres). */
export function storeAuditSink(store: ClinicStore): ConsentAuditSink {
	return {
		async consentChanged(changes, tx) {
			const prepared = changes.map((c) => prepareEntry(consentAuditEntry(c), store.cipher));
			if (tx === null) {
				await store.transaction(async (t) => appendPrepared(t, prepared, new Date()), {
					lockKey: AUDIT_LOCK_KEY,
				});
				return;
			}
			if (tx.dialect === 'postgres') {
				await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [AUDIT_LOCK_KEY]);
			}
			await appendPrepared(tx, prepared, new Date());
		},
	};
}
