/**
 * ConsentService: the consent use cases over a ConsentRepository.
 *
 * - check(requests): decisions for MANY recipients with ONE repository read (no cache: every call reads the
 *   store, so an opt-out committed at time T blocks every check that starts after T, in any workflow/process).
 * - recordOptIn / recordOptOut: append evidence-backed events (linking phone and user ID), then report each change to
 *   the audit sink.
 * - history / fhir: the timeline, and its FHIR R4 Consent export.
 *
 * A repository failure (connection lost, lock timeout…) leaves as ONE ConsentStoreError (kind `store`): nothing was
 * decided and nothing half-recorded, so no caller can mistake a failed lookup for "no consent events" (which the
 * policy could answer with Allowed). Deliberate errors (ClinicError: bad input, a PHI key that does not match) pass
 * through with their own hint.
 */
import { ClinicError } from '../errors';
import { settle } from '../settle';
import { type ConsentDecision, decide } from './decision';
import { toFhirBundle, toFhirConsents, type FhirExportOptions } from './fhir';
import { ConsentInputError, type PatientIdentity } from './identity';
import { type ConsentPolicy, DEFAULT_POLICY } from './policy';
import { ALL_PURPOSES, type Purpose, type PurposeDefinition } from './purposes';
import type {
	ConsentEvidence,
	ConsentHistoryRecord,
	ConsentRepository,
	ConsentTx,
	StoredConsentEvent,
} from './repositories/port';

/** The consent store failed: no consent decision or change was made for the failing step. */
export class ConsentStoreError extends ClinicError {
	constructor(cause: unknown) {
		super(`Consent store error: ${cause instanceof Error ? cause.message : String(cause)}`, {
			code: 'store_error',
			kind: 'store',
			hint: 'No consent decision or change was made for the failing step. Check the Clinic Store credential and database, then retry.',
			cause,
		});
		this.name = 'ConsentStoreError';
	}
}

/** Runs one repository call; a failure that is not a deliberate ClinicError becomes a ConsentStoreError. */
async function fromStore<T>(work: () => Promise<T>): Promise<T> {
	const outcome = await settle(work);
	if (outcome.ok) return outcome.value;
	if (outcome.error instanceof ClinicError) throw outcome.error;
	throw new ConsentStoreError(outcome.error);
}

export interface ConsentChange {
	identity: PatientIdentity;
	event: StoredConsentEvent;
}

/**
 * Where consent changes are reported for the audit log (direction 'system', purpose = the consent purpose,
 * outcome = opt_in | opt_out). The node layer plugs the clinic audit log in here.
 */
export interface ConsentAuditSink {
	/** Runs inside the consent write transaction when `tx` is given: throwing rolls the consent change back. */
	consentChanged(changes: readonly ConsentChange[], tx: ConsentTx): Promise<void>;
}

export interface ConsentServiceOptions {
	repository: ConsentRepository;
	policy?: ConsentPolicy;
	/** Epoch milliseconds (injected for tests). */
	clock?: () => number;
	audit?: ConsentAuditSink;
	customPurposes?: Record<string, Partial<PurposeDefinition>>;
}

export interface CheckRequest {
	identity: PatientIdentity;
	purpose: Purpose;
}

export interface RecordOptions {
	/** One or more purposes, or `*` for all purposes. */
	purposes: readonly Purpose[];
	evidence: ConsentEvidence;
	/** Opt-in only: absolute expiry (epoch ms). */
	expiresAt?: number | null;
}

export class ConsentService {
	readonly policy: ConsentPolicy;
	private readonly clock: () => number;

	constructor(private readonly options: ConsentServiceOptions) {
		this.policy = options.policy ?? DEFAULT_POLICY;
		this.clock = options.clock ?? (() => Date.now());
	}

	now(): number {
		return this.clock();
	}

	/** One decision per request, in order, from ONE repository read. */
	async check(requests: readonly CheckRequest[]): Promise<ConsentDecision[]> {
		if (requests.length === 0) return [];
		const events = await this.loadEvents(requests.map((r) => r.identity));
		if (events.length !== requests.length)
			throw new ConsentStoreError(
				new Error(`the store answered for ${events.length} of ${requests.length} patients`),
			);
		const now = this.clock();
		return requests.map((r, i) => decide(events[i], this.policy, r.purpose, now));
	}

	/** Current events per identity (one read), e.g. to see whether a sender is opted out before a "yes". */
	async loadEvents(identities: readonly PatientIdentity[]) {
		return fromStore(async () => await this.options.repository.loadEvents(identities));
	}

	async recordOptIn(identity: PatientIdentity, options: RecordOptions): Promise<StoredConsentEvent[]> {
		const expiresAt = options.expiresAt ?? null;
		if (expiresAt !== null && expiresAt <= this.clock()) {
			throw new ConsentInputError(
				'expiresAt',
				'is in the past. Give a future date, or leave it empty for no expiry.',
			);
		}
		return this.record(identity, 'opt_in', options, expiresAt);
	}

	async recordOptOut(identity: PatientIdentity, options: RecordOptions): Promise<StoredConsentEvent[]> {
		return this.record(identity, 'opt_out', options, null);
	}

	private async record(
		identity: PatientIdentity,
		action: 'opt_in' | 'opt_out',
		options: RecordOptions,
		expiresAt: number | null,
	): Promise<StoredConsentEvent[]> {
		if (options.purposes.length === 0) {
			throw new ConsentInputError('purposes', 'choose at least one purpose (or all purposes).');
		}
		const purposes = options.purposes.includes(ALL_PURPOSES)
			? [ALL_PURPOSES]
			: [...new Set(options.purposes)];
		const audit = this.options.audit;
		return fromStore(
			async () =>
				await this.options.repository.append(
					identity,
					purposes.map((purpose) => ({ action, purpose, expiresAt, evidence: options.evidence })),
					this.clock(),
					audit
						? (events, tx) =>
								audit.consentChanged(
									events.map((event) => ({ identity, event })),
									tx,
								)
						: undefined,
				),
		);
	}

	async history(identity: PatientIdentity): Promise<ConsentHistoryRecord> {
		return fromStore(async () => await this.options.repository.history(identity));
	}

	fhirOptions(extra: Partial<FhirExportOptions> = {}): FhirExportOptions {
		return { policy: this.policy, now: this.clock(), customPurposes: this.options.customPurposes, ...extra };
	}

	toFhir(history: ConsentHistoryRecord, includeEvidenceText = false) {
		return toFhirConsents(history, this.fhirOptions({ includeEvidenceText }));
	}

	toFhirBundle(history: ConsentHistoryRecord, includeEvidenceText = false) {
		return toFhirBundle(history, this.fhirOptions({ includeEvidenceText }));
	}
}
