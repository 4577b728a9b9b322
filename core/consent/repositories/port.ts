/**
 * ConsentRepository: the storage port of the consent module. Two adapters pass the same contract suite
 * (test/integration/consent/repository-contract.ts): `MemoryConsentRepository` (tests, demos) and
 * `SqlConsentRepository` (the clinic store: SQLite or Postgres).
 *
 * Guarantees every adapter gives:
 * - `loadEvents` answers for ALL identities of an execution with one read (one SQL query), and never caches:
 *   whatever was committed before the call is visible to it.
 * - `append` is atomic: the events and any identity linking are committed together, or not at all.
 * - Linking: an identity with both phone and user ID joins the patient(s) known by either into one patient.
 * - Re-appending an event with the same (sourceMessageId, action, purpose) for the same patient is a no-op that
 *   returns the stored event (webhook redelivery must not duplicate the consent timeline).
 */
import type { ConsentAction, ConsentEventSummary } from '../decision';
import type { PatientIdentity } from '../identity';
import type { Purpose } from '../purposes';

export interface ConsentActor {
	workflowId: string | null;
	executionId: string | null;
	node: string | null;
}

/** Proof of how and when consent was given or withdrawn (GDPR Art. 7(1), LGPD Art. 8 §2). */
export interface ConsentEvidence {
	/** The WhatsApp message id (wamid) of the patient's message or of the message that asked for consent. */
	sourceMessageId: string | null;
	/** The text the patient saw or sent (consent wording, keyword message, confirmation). Stored encrypted. */
	textShown: string | null;
	/** whatsapp | web | paper | phone | in_person | other. */
	channel: string;
	/** When the patient acted (epoch ms), e.g. the webhook message timestamp. */
	timestamp: number;
	/** Who recorded it (n8n workflow, execution, node). */
	actor: ConsentActor;
	/** The keyword or button payload that triggered the change, when there was one. */
	keyword?: string | null;
}

export interface NewConsentEvent {
	action: ConsentAction;
	purpose: Purpose;
	/** Expiry of an opt-in (epoch ms); null = no own expiry. Ignored for opt-outs. */
	expiresAt: number | null;
	evidence: ConsentEvidence;
}

export interface StoredConsentEvent extends ConsentEventSummary {
	/** Store id; equals `sequence`. */
	id: number;
	expiresAt: number | null;
	evidence: ConsentEvidence;
	/** True when `append` found this event already stored (idempotent replay). */
	duplicate?: boolean;
}

export interface ConsentHistoryRecord {
	/** Every identifier linked to the patient (decrypted). */
	identity: PatientIdentity;
	/** Oldest first. */
	events: StoredConsentEvent[];
}

/** A transaction handle of the clinic store (null for the memory adapter). */
export type ConsentTx = import('../../store').SqlTx | null;

/**
 * Called with the NEW (non-duplicate) events inside the append transaction (SQL) or right after it (memory):
 * the audit log entry is committed together with the consent change, or neither is.
 */
export type AppendHook = (events: readonly StoredConsentEvent[], tx: ConsentTx) => Promise<void>;

export interface ConsentRepository {
	/** Decision inputs for many patients with ONE read; result[i] belongs to identities[i] (empty = no record). */
	loadEvents(identities: readonly PatientIdentity[]): Promise<ConsentEventSummary[][]>;
	/** Appends events for one patient atomically, linking the identifiers first. `recordedAt` is the store time. */
	append(
		identity: PatientIdentity,
		events: readonly NewConsentEvent[],
		recordedAt: number,
		hook?: AppendHook,
	): Promise<StoredConsentEvent[]>;
	/** The patient's whole timeline (all linked identifiers). */
	history(identity: PatientIdentity): Promise<ConsentHistoryRecord>;
}
