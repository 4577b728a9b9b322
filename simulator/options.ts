/**
 * Simulator options: defaults, the runtime-mutable configuration, and the CLI flag parser.
 * The same option names are used by `startSimulator()` and by `npm run simulator -- --flag value`.
 */
import { readFileSync } from 'node:fs';

export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
}

export interface PhoneNumberConfig {
	id: string;
	displayPhoneNumber: string;
	verifiedName: string;
	qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
}

/** How delivery-time failures (131047 outside the 24 h window, 131026 undeliverable) are reported. */
export type DeliveryErrorMode = 'webhook' | 'sync';

/** Kinds of injected transport faults when `faultRate` > 0. */
/**
 * error500: HTTP 500 (code 131000), nothing accepted. drop: connection closed before processing. timeout: held for
 * faultTimeoutMs, then closed. lostResponse: the message IS accepted (statuses follow) but the answer is lost, so a
 * client that retries sends a duplicate, as with a real network timeout.
 */
export type FaultKind = 'error500' | 'drop' | 'timeout' | 'lostResponse';

export interface SimulatorOptions {
	/** TCP port; 0 picks a free port. Default 7700. */
	port?: number;
	/** Bind address. Default 127.0.0.1. */
	host?: string;
	/** App-level webhook callback (lowest precedence; WABA and phone-number overrides win). */
	webhookUrl?: string;
	/** Verify token used for the GET handshake against the app-level callback. Default `sim-verify-token`. */
	verifyToken?: string;
	/** App secret used for `X-Hub-Signature-256`. Default `sim-secret`. */
	appSecret?: string;
	/** Bearer token accepted by the Graph API. Default `sim-token`. */
	accessToken?: string;
	/** Business phone numbers; the first is the default. Default: one number 100000000000001. */
	phoneNumbers?: Array<Partial<PhoneNumberConfig> & { id: string }>;
	/** WhatsApp Business Account ID. Default 200000000000001. */
	wabaId?: string;
	/** Messages per second per business number before 130429. Default 80. */
	mps?: number;
	/** Messages to one user allowed in a burst before 131056. Default 45. */
	pairBurst?: number;
	/** After the burst, one message per this many ms to the same user. Default 6000. */
	pairIntervalMs?: number;
	/** Delay added to every Graph API response. Default 0. */
	latencyMs?: number;
	/** Probability (0..1) that a Graph API request fails with a transport fault. Default 0. */
	faultRate?: number;
	/** Which faults `faultRate` injects. Default ['error500', 'drop']. */
	faultKinds?: FaultKind[];
	/** How long a 'timeout' fault holds the request before dropping it. Default 30000. */
	faultTimeoutMs?: number;
	/** Probability (0..1) that an accepted message later fails (status `failed`, 131000). Default 0. */
	deliveryFailureRate?: number;
	/** 131047 / 131026 as a failed status webhook (Meta's behaviour, default) or a synchronous 400. */
	deliveryErrors?: DeliveryErrorMode;
	/** Delay before the `sent` status (real ms). Default 20. */
	sentDelayMs?: number;
	/** Delay between `sent` and `delivered` (real ms). Default 30. */
	deliveredDelayMs?: number;
	/** Delay between `delivered` and `read` (real ms). Default 300. */
	readDelayMs?: number;
	/** Emit `read` automatically. When false, POST /_sim/read triggers it. Default true. */
	autoRead?: boolean;
	/** Retry schedule after a non-200 webhook answer (real ms, first is "immediately"). */
	webhookRetryDelaysMs?: number[];
	/** Per-attempt webhook request timeout (real ms). Default 10000. */
	webhookTimeoutMs?: number;
	/** Collect statuses for this long and send them in one POST (0 = one status per POST). Default 0. */
	batchWindowMs?: number;
	/** Sign webhooks with a wrong secret (forgery tests). Default false. */
	signWithWrongSecret?: boolean;
	/** TLS certificate and key (PEM) to serve https instead of http. */
	tls?: { cert: string | Buffer; key: string | Buffer };
	/** Injectable clock (tests). `POST /_sim/clock` adds an offset on top of it. */
	clock?: Clock;
	/** Injectable random source in [0, 1) for faults (tests). */
	random?: () => number;
	/** Do not print the "listening" line or delivery warnings. */
	quiet?: boolean;
}

export interface ResolvedOptions extends Required<
	Omit<SimulatorOptions, 'tls' | 'clock' | 'random' | 'webhookUrl' | 'phoneNumbers'>
> {
	webhookUrl: string | undefined;
	phoneNumbers: PhoneNumberConfig[];
	tls: SimulatorOptions['tls'];
	clock: Clock;
	random: () => number;
}

export const DEFAULTS = {
	port: 7700,
	host: '127.0.0.1',
	phoneNumberId: '100000000000001',
	displayPhoneNumber: '+1 555-010-0001',
	verifiedName: 'Sim Clinic',
	wabaId: '200000000000001',
	accessToken: 'sim-token',
	appSecret: 'sim-secret',
	verifyToken: 'sim-verify-token',
} as const;

export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
	const numbers = opts.phoneNumbers?.length
		? opts.phoneNumbers
		: [{ id: DEFAULTS.phoneNumberId, displayPhoneNumber: DEFAULTS.displayPhoneNumber }];
	return {
		port: opts.port ?? DEFAULTS.port,
		host: opts.host ?? DEFAULTS.host,
		webhookUrl: opts.webhookUrl || undefined,
		verifyToken: opts.verifyToken ?? DEFAULTS.verifyToken,
		appSecret: opts.appSecret ?? DEFAULTS.appSecret,
		accessToken: opts.accessToken ?? DEFAULTS.accessToken,
		phoneNumbers: numbers.map((n, i) => ({
			id: n.id,
			displayPhoneNumber: n.displayPhoneNumber ?? `+1 555-010-${String(i + 1).padStart(4, '0')}`,
			verifiedName: n.verifiedName ?? DEFAULTS.verifiedName,
			qualityRating: n.qualityRating ?? 'GREEN',
		})),
		wabaId: opts.wabaId ?? DEFAULTS.wabaId,
		mps: opts.mps ?? 80,
		pairBurst: opts.pairBurst ?? 45,
		pairIntervalMs: opts.pairIntervalMs ?? 6000,
		latencyMs: opts.latencyMs ?? 0,
		faultRate: opts.faultRate ?? 0,
		faultKinds: opts.faultKinds?.length ? opts.faultKinds : ['error500', 'drop'],
		faultTimeoutMs: opts.faultTimeoutMs ?? 30000,
		deliveryFailureRate: opts.deliveryFailureRate ?? 0,
		deliveryErrors: opts.deliveryErrors ?? 'webhook',
		sentDelayMs: opts.sentDelayMs ?? 20,
		deliveredDelayMs: opts.deliveredDelayMs ?? 30,
		readDelayMs: opts.readDelayMs ?? 300,
		autoRead: opts.autoRead ?? true,
		webhookRetryDelaysMs: opts.webhookRetryDelaysMs ?? [0, 2000, 10000, 60000, 300000],
		webhookTimeoutMs: opts.webhookTimeoutMs ?? 10000,
		batchWindowMs: opts.batchWindowMs ?? 0,
		signWithWrongSecret: opts.signWithWrongSecret ?? false,
		tls: opts.tls,
		clock: opts.clock ?? { now: () => Date.now() },
		random: opts.random ?? Math.random,
		quiet: opts.quiet ?? false,
	};
}

const USAGE = `Usage: npm run simulator -- [options]
  --port N                 TCP port (default 7700, 0 = free port)
  --host H                 bind address (default 127.0.0.1)
  --webhook-url URL        app-level webhook callback
  --verify-token T         verify token for the GET handshake (default sim-verify-token)
  --app-secret S           app secret for X-Hub-Signature-256 (default sim-secret)
  --access-token T         accepted Bearer token (default sim-token)
  --phone-number-id ID     business phone number ID (default 100000000000001)
  --waba-id ID             WhatsApp Business Account ID (default 200000000000001)
  --mps N                  messages per second per number before 130429 (default 80)
  --pair-burst N           burst to one user before 131056 (default 45)
  --pair-interval-ms N     then one message per N ms to that user (default 6000)
  --latency-ms N           delay every Graph API response (default 0)
  --fault-rate R           probability 0..1 of a 500 / dropped connection (default 0)
  --fault-kinds K,K        error500,drop,timeout,lostResponse (default error500,drop)
  --delivery-failure-rate R  probability 0..1 that an accepted message later fails (default 0)
  --delivery-errors M      webhook (default, like Meta) | sync: how 131047/131026 are reported
  --read-delay-ms N        delay before the read status (default 300)
  --no-auto-read           only emit read on POST /_sim/read
  --retry-delays-ms A,B,C  webhook retry schedule (default 0,2000,10000,60000,300000)
  --batch-window-ms N      batch statuses sent within N ms into one POST (default 0)
  --tls-cert FILE --tls-key FILE   serve https (e.g. as graph.facebook.com for a benchmark)
  --quiet                  no log lines except the listening line`;

function numberFlag(name: string, value: string | undefined): number {
	const n = Number(value);
	if (value === undefined || value === '' || !Number.isFinite(n)) {
		throw new Error(
			`--${name} needs a number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
		);
	}
	return n;
}

/** Parses CLI flags into options. Throws an Error naming the flag on bad input; returns null for --help. */
export function parseArgs(argv: string[]): SimulatorOptions | null {
	const opts: SimulatorOptions = {};
	let cert: string | undefined;
	let key: string | undefined;
	let phoneNumberId: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const raw = argv[i];
		if (raw === '--help' || raw === '-h') return null;
		if (!raw.startsWith('--')) throw new Error(`Unexpected argument ${JSON.stringify(raw)}\n${USAGE}`);
		const eq = raw.indexOf('=');
		const name = eq > 0 ? raw.slice(2, eq) : raw.slice(2);
		const takeValue = (): string => {
			if (eq > 0) return raw.slice(eq + 1);
			const v = argv[++i];
			if (v === undefined) throw new Error(`--${name} needs a value`);
			return v;
		};
		switch (name) {
			case 'port':
				opts.port = numberFlag(name, takeValue());
				break;
			case 'host':
				opts.host = takeValue();
				break;
			case 'webhook-url':
				opts.webhookUrl = takeValue();
				break;
			case 'verify-token':
				opts.verifyToken = takeValue();
				break;
			case 'app-secret':
				opts.appSecret = takeValue();
				break;
			case 'access-token':
				opts.accessToken = takeValue();
				break;
			case 'phone-number-id':
				phoneNumberId = takeValue();
				break;
			case 'waba-id':
				opts.wabaId = takeValue();
				break;
			case 'mps':
				opts.mps = numberFlag(name, takeValue());
				break;
			case 'pair-burst':
				opts.pairBurst = numberFlag(name, takeValue());
				break;
			case 'pair-interval-ms':
				opts.pairIntervalMs = numberFlag(name, takeValue());
				break;
			case 'latency-ms':
				opts.latencyMs = numberFlag(name, takeValue());
				break;
			case 'fault-rate':
				opts.faultRate = numberFlag(name, takeValue());
				break;
			case 'fault-kinds':
				opts.faultKinds = takeValue().split(',') as FaultKind[];
				break;
			case 'delivery-failure-rate':
				opts.deliveryFailureRate = numberFlag(name, takeValue());
				break;
			case 'delivery-errors': {
				const v = takeValue();
				if (v !== 'webhook' && v !== 'sync') throw new Error('--delivery-errors must be webhook or sync');
				opts.deliveryErrors = v;
				break;
			}
			case 'read-delay-ms':
				opts.readDelayMs = numberFlag(name, takeValue());
				break;
			case 'no-auto-read':
				opts.autoRead = false;
				break;
			case 'retry-delays-ms':
				opts.webhookRetryDelaysMs = takeValue()
					.split(',')
					.map((v) => numberFlag(name, v));
				break;
			case 'batch-window-ms':
				opts.batchWindowMs = numberFlag(name, takeValue());
				break;
			case 'tls-cert':
				cert = takeValue();
				break;
			case 'tls-key':
				key = takeValue();
				break;
			case 'quiet':
				opts.quiet = true;
				break;
			default:
				throw new Error(`Unknown option --${name}\n${USAGE}`);
		}
	}
	if (opts.faultRate !== undefined && (opts.faultRate < 0 || opts.faultRate > 1)) {
		throw new Error('--fault-rate must be between 0 and 1');
	}
	for (const k of opts.faultKinds ?? []) {
		if (!['error500', 'drop', 'timeout', 'lostResponse'].includes(k))
			throw new Error(`--fault-kinds: unknown kind ${k}`);
	}
	if (phoneNumberId)
		opts.phoneNumbers = [{ id: phoneNumberId, displayPhoneNumber: DEFAULTS.displayPhoneNumber }];
	if (cert || key) {
		if (!cert || !key) throw new Error('--tls-cert and --tls-key must be given together');
		opts.tls = { cert: readFileSync(cert), key: readFileSync(key) };
	}
	return opts;
}

export const CLI_USAGE = USAGE;
