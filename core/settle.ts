/** A promise's result or error as a value, so callers can clean up before re-throwing. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `fn` and reports its result or error as a value (lets callers clean up before re-throwing). */
export async function settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await fn() };
	} catch (error) {
		return { ok: false, error };
	}
}
