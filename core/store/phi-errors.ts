import { ClinicError } from '../errors';

const DEFAULT_HINT =
	'Open the Clinic Store credential and add the key used for these entries under Previous Keys. The stored data is unchanged.';

/**
 * A PHI key problem: a key that does not match the data stored under its ID, a key the data still needs but the
 * credential no longer has, or a key that is malformed. Codes: `phi_key` (an entry cannot be decrypted),
 * `phi_key_mismatch`, `phi_key_missing`, `phi_key_invalid`, `phi_key_metadata`.
 */
export class PhiKeyError extends ClinicError {
	constructor(
		message: string,
		readonly keyId: string,
		init: string | { hint?: string; field?: string; code?: string } = {},
	) {
		const o = typeof init === 'string' ? { hint: init } : init;
		super(message, {
			code: o.code ?? 'phi_key',
			hint: o.hint ?? DEFAULT_HINT,
			field: o.field,
			kind: 'config',
			title: 'PHI key problem',
		});
		this.name = 'PhiKeyError';
	}
}

export function duplicateKeyId(keyId: string): PhiKeyError {
	return new PhiKeyError(`PHI key id "${keyId}" is configured twice: every key needs its own id`, keyId, {
		code: 'phi_key_invalid',
		field: 'Previous Keys',
		hint: 'Remove the duplicate entry, or give each key its own ID.',
	});
}
