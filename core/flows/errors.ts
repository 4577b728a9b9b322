/** Errors of the WhatsApp Flows modules; all are ClinicErrors (core/errors.ts) naming the field and the fix. */
import { ClinicError, type ClinicErrorInit } from '../errors';

/**
 * A data-endpoint request the trigger refuses, with the HTTP status Meta defines for it: 421 (cannot be decrypted:
 * the client re-fetches the public key), 427 (flow token unknown or expired: the client shows `error_msg` and
 * disables the Flow), 432 (X-Hub-Signature-256 check failed), 400 (not a Flows request at all).
 */
export class FlowEndpointError extends ClinicError {
	readonly status: 400 | 421 | 427 | 432;
	constructor(message: string, status: 400 | 421 | 427 | 432, init: ClinicErrorInit = {}) {
		super(message, { kind: 'input', ...init, httpStatus: status });
		this.name = 'FlowEndpointError';
		this.status = status;
	}
}

/** The Flow Key credential (private key, passphrase) cannot be used. */
export class FlowKeyError extends ClinicError {
	constructor(message: string, init: ClinicErrorInit = {}) {
		super(message, { code: 'flow_key_invalid', kind: 'config', ...init });
		this.name = 'FlowKeyError';
	}
}

/** A node field of a Flows operation is wrong (Flow JSON, screen data, token, CTA…). */
export class FlowInputError extends ClinicError {
	constructor(message: string, init: ClinicErrorInit = {}) {
		super(message, { code: 'invalid_input', kind: 'input', ...init });
		this.name = 'FlowInputError';
	}
}
