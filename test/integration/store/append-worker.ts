/**
 * Child process for concurrency tests: opens the store (applying migrations concurrently with its siblings) and
 * appends `rounds` batches of `batch` entries. argv: <config JSON> <rounds> <batch> <worker id>
 */
import { appendAuditEntries } from '../../../core/audit';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import type { ClinicStoreConfig } from '../../../core/store/ports';

async function main(): Promise<void> {
	const [configJson, roundsArg, batchArg, id] = process.argv.slice(2);
	const config = JSON.parse(configJson) as ClinicStoreConfig;
	const store = await openClinicStore(config);
	const rounds = Number(roundsArg);
	const batch = Number(batchArg);
	for (let r = 0; r < rounds; r++) {
		await appendAuditEntries(
			store,
			Array.from({ length: batch }, (_, i) => ({
				direction: 'outbound' as const,
				event: 'message.sent',
				patientPhone: `+551199999${String(i).padStart(4, '0')}`,
				messageId: `wamid.w${id}.r${r}.i${i}`,
				content: `worker ${id} round ${r} item ${i}`,
				actor: { workflowId: 'wf', executionId: `${id}-${r}`, node: 'Audit Log' },
			})),
		);
	}
	await closeAllClinicStores();
	process.stdout.write(`ok ${rounds * batch}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
