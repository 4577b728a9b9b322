import { MessageValidationError } from '../../../core/whatsapp/messages';

/** Runs `fn` and returns the MessageValidationError it throws; fails the test if it throws nothing else. */
export function errorOf(fn: () => unknown): MessageValidationError {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}
	if (caught instanceof MessageValidationError) return caught;
	throw new Error(`expected a MessageValidationError, got ${String(caught)}`);
}
