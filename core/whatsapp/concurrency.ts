/** Bounded concurrency for sends: at most `limit` calls in flight, results in input order. */
/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 * Rejects with the first error (no new calls start after it).
 */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let failed = false;
	const worker = async (): Promise<void> => {
		while (!failed && next < items.length) {
			const index = next++;
			results[index] = await Promise.resolve()
				.then(async () => await fn(items[index], index))
				.catch((error: unknown) => {
					failed = true;
					throw error;
				});
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(Math.floor(limit) || 1, items.length)) }, worker);
	await Promise.all(workers);
	return results;
}

/** Like mapWithConcurrency but never rejects: one PromiseSettledResult per item, in input order. */
export async function mapSettledWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
	return await mapWithConcurrency(items, limit, async (item, index) => {
		try {
			return { status: 'fulfilled', value: await fn(item, index) } as PromiseFulfilledResult<R>;
		} catch (reason) {
			return { status: 'rejected', reason } as PromiseRejectedResult;
		}
	});
}
