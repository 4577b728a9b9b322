/** `npm run simulator -- [options]`: starts the simulator and prints its base URL when ready. */
import { CLI_USAGE, parseArgs } from './options';
import { startSimulator } from './server';

async function main(): Promise<void> {
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (e) {
		console.error(e instanceof Error ? e.message : String(e));
		process.exit(2);
	}
	if (!opts) {
		console.log(CLI_USAGE);
		return;
	}
	const sim = await startSimulator(opts);
	console.log(`WhatsApp Cloud API simulator listening on ${sim.url}`);
	if (!opts.quiet) {
		console.log(
			`  phone number ID ${sim.phoneNumberId} · WABA ${sim.wabaId} · chat page ${sim.url}/ · webhook ${sim.options.webhookUrl ?? '(none: POST /_sim/config)'}`,
		);
	}
	const stop = () => {
		void sim.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main().catch((e: unknown) => {
	console.error(`simulator failed to start: ${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
