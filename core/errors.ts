/**
 * The one base class of every error that core/ raises on purpose. It carries what the node layer needs to tell a
 * clinic user what went wrong and what to do, without core/ knowing anything about n8n:
 *
 * - `code`: a stable machine-readable code (Meta's numeric code for Cloud API errors, otherwise a short slug such as
 *   `invalid_input`, `phi_key_mismatch`, `remote_error`);
 * - `field`: the parameter or JSON path that is wrong, in the words the user sees (e.g. `Recipient`,
 *   `action.sections[0].rows[2].title`, a template placeholder);
 * - `hint`: what to do about it, one or two sentences;
 * - `title`: a short headline (optional; the message is used when absent);
 * - `kind`: `input` (the user can fix it in the node), `remote` (a server answered with an error), `store`
 *   (the clinic store failed) or `config` (a credential or key is wrong). nodes/shared/errors.ts turns `remote`
 *   into NodeApiError and everything else into NodeOperationError.
 *
 * Subclasses keep their own constructor signatures; they only pass these fields up.
 */
export type ClinicErrorKind = 'input' | 'remote' | 'store' | 'config';

export interface ClinicErrorInit {
	code?: string | number;
	field?: string;
	hint?: string;
	title?: string;
	kind?: ClinicErrorKind;
	/** HTTP status of a remote answer, when there was one. */
	httpStatus?: number;
	cause?: unknown;
}

export class ClinicError extends Error {
	readonly code?: string | number;
	readonly field?: string;
	readonly hint?: string;
	readonly title?: string;
	readonly kind: ClinicErrorKind;
	readonly httpStatus?: number;

	constructor(message: string, init: ClinicErrorInit = {}) {
		super(message, init.cause !== undefined ? { cause: init.cause } : undefined);
		this.name = 'ClinicError';
		this.code = init.code;
		this.field = init.field;
		this.hint = init.hint;
		this.title = init.title;
		this.kind = init.kind ?? 'input';
		this.httpStatus = init.httpStatus;
	}
}

export function isClinicError(error: unknown): error is ClinicError {
	return error instanceof ClinicError;
}
