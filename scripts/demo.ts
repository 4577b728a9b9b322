/**
 * `npm run demo`: the WhatsApp Cloud API simulator on http://127.0.0.1:7700 (patient chat page) and a real n8n
 * on http://127.0.0.1:5678 with this package, the simulator credentials and every workflow from workflows/
 * imported and published. Offline. Ctrl-C stops everything.
 *
 * Options: --sim-port N (default 7700), --n8n-port N (default 5678), --keep (keep the temp folder),
 * --queue (n8n in queue mode: main + 2 workers + 1 webhook processor on PostgreSQL and Redis, the clinic store on
 * PostgreSQL; docs/queue-mode.md).
 */
import { startStack } from '../test/stack';

function flag(name: string, fallback: number): number {
	const i = process.argv.indexOf(name);
	return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
	const started = Date.now();
	const queue = process.argv.includes('--queue');
	console.log(
		`Starting the clinic demo${queue ? ' in queue mode' : ''} (first start takes ${queue ? 'a few minutes' : 'about a minute'})…`,
	);
	const stack = await startStack({
		simPort: flag('--sim-port', 7700),
		n8nPort: flag('--n8n-port', 5678),
		keep: process.argv.includes('--keep'),
		queue,
		log: (line) => console.log(`  ${line}`),
	});
	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping n8n and the simulator…`);
		await stack.stop();
		console.log('Stopped.');
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));

	const imported = Object.keys(stack.workflowFiles);
	console.log('');
	console.log(`Ready in ${Math.round((Date.now() - started) / 1000)} s.`);
	console.log('');
	console.log(`  n8n editor:         ${stack.n8n.url}`);
	console.log(`    login:            ${stack.n8n.owner.email}`);
	console.log(`    password:         ${stack.n8n.owner.password}`);
	console.log(`  Patient chat page:  ${stack.sim.url}/`);
	console.log(`  Simulator API:      ${stack.sim.url} (token sim-token, phone number ID 100000000000001)`);
	if (stack.queue) {
		console.log('');
		console.log('  Queue mode (n8n processes, health endpoint, memory):');
		for (const p of await stack.n8n.status())
			console.log(
				`    ${p.name.padEnd(10)} pid ${p.pid}  ${p.health}  RSS ${p.rssMb.toFixed(0)} MiB  (${stack.n8n.processes.find((q) => q.name === p.name)?.healthUrl})`,
			);
		console.log(`    webhooks:  ${stack.n8n.webhookBaseUrl}webhook/… (webhook processor)`);
		const db = stack.queue.storeDatabase;
		console.log(`    clinic store: ${db.url}`);
		console.log(
			`    status:    npm run queue:status -- --pg '${db.url}' --redis redis://${stack.queue.redis.host}:${stack.queue.redis.port}/${stack.queue.redis.db} --prefix ${stack.queue.redis.prefix} ${stack.n8n.processes
				.map((p) => `--process ${p.name}=${p.healthUrl}`)
				.join(' ')}`,
		);
	}
	console.log('');
	console.log(`  Workflows (${imported.length}): ${imported.join(' · ') || 'none'}`);
	for (const [file, error] of Object.entries(stack.importErrors))
		console.log(`  NOT imported ${file}: ${error}`);
	console.log('');
	console.log('  Book an appointment: open the chat page, pick a patient, send "hi" and follow the bot.');
	console.log(
		`  Book with the WhatsApp Flow: after "hi", curl -X POST ${stack.n8n.webhookBaseUrl}webhook/send-booking-flow -H 'content-type: application/json' -d '{"to":"<patient phone>"}', then tap "Agendar consulta" on the chat page.`,
	);
	console.log('  Press Ctrl-C to stop.');
	await new Promise(() => undefined);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
