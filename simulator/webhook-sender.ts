/**
 * Webhook delivery like Meta's: Meta's envelope, `X-Hub-Signature-256` (HMAC-SHA256 of the exact bytes sent,
 * keyed with the app secret), retries on any non-200 answer (immediately, then backing off; so duplicates
 * happen), optional batching of statuses, and the GET verification handshake for callback registration.
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import type { PhoneNumberConfig, ResolvedOptions } from './options';
import type { Scheduler } from './scheduler';
import type { Delivery, SimState } from './state';

export interface WebhookTarget {
	url: string;
	source: 'phone_number' | 'waba' | 'app';
}

export interface HandshakeResult {
	ok: boolean;
	url: string;
	statusCode?: number;
	error?: string;
}

export function signBody(secret: string, body: Buffer): string {
	return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** Digits of a display number, as Meta puts it into `metadata.display_phone_number`. */
export function displayDigits(phone: PhoneNumberConfig): string {
	return phone.displayPhoneNumber.replace(/\D/g, '');
}

/** Meta's `messages` webhook envelope around one change value. */
export function messagesEnvelope(
	wabaId: string,
	phone: PhoneNumberConfig,
	value: Record<string, unknown>,
): Record<string, unknown> {
	return {
		object: 'whatsapp_business_account',
		entry: [
			{
				id: wabaId,
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: displayDigits(phone), phone_number_id: phone.id },
							...value,
						},
					},
				],
			},
		],
	};
}

interface PendingBatch {
	phone: PhoneNumberConfig;
	url: string;
	statuses: Array<Record<string, unknown>>;
	eventIds: string[];
}

let deliveryCounter = 0;

export class WebhookSender {
	private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
	private readonly batches = new Map<string, PendingBatch>();
	private readonly firstAttempts = new Map<string, Promise<void>>();
	private closed = false;

	constructor(
		private readonly state: SimState,
		private readonly options: () => ResolvedOptions,
		private readonly scheduler: Scheduler,
		private readonly log: (line: string) => void,
	) {}

	/** Callback for a number: per-number override > WABA override > app-level webhook URL. */
	resolveTarget(phoneNumberId: string): WebhookTarget | undefined {
		const phone = this.state.phoneOverrides.get(phoneNumberId);
		if (phone) return { url: phone.uri, source: 'phone_number' };
		if (this.state.wabaOverride) return { url: this.state.wabaOverride.uri, source: 'waba' };
		const app = this.options().webhookUrl;
		return app ? { url: app, source: 'app' } : undefined;
	}

	/** Sends one status (possibly batched with others to the same callback); returns its delivery when not batched. */
	sendStatus(
		phone: PhoneNumberConfig,
		status: Record<string, unknown>,
		eventId: string,
	): Delivery | undefined {
		const target = this.resolveTarget(phone.id);
		if (!target) return undefined;
		const windowMs = this.options().batchWindowMs;
		if (windowMs <= 0) {
			return this.sendChange(phone, target.url, 'statuses', { statuses: [status] }, [eventId]);
		}
		const key = `${target.url}|${phone.id}`;
		let batch = this.batches.get(key);
		if (!batch) {
			batch = { phone, url: target.url, statuses: [], eventIds: [] };
			this.batches.set(key, batch);
			const b = batch;
			this.scheduler.schedule(windowMs, () => {
				this.batches.delete(key);
				this.sendChange(b.phone, b.url, 'statuses', { statuses: b.statuses }, b.eventIds);
			});
		}
		batch.statuses.push(status);
		batch.eventIds.push(eventId);
		if (batch.statuses.length >= 1000) {
			this.batches.delete(key);
			this.sendChange(phone, target.url, 'statuses', { statuses: batch.statuses }, batch.eventIds);
			batch.statuses = [];
			batch.eventIds = [];
		}
		return undefined;
	}

	/** Wraps a change value in Meta's envelope and delivers it. */
	sendChange(
		phone: PhoneNumberConfig,
		url: string,
		kind: Delivery['kind'],
		value: Record<string, unknown>,
		eventIds: string[],
	): Delivery | undefined {
		if (kind === 'statuses' && (value.statuses as unknown[]).length === 0) return undefined;
		const body = Buffer.from(JSON.stringify(messagesEnvelope(this.options().wabaId, phone, value)));
		return this.deliver(kind, url, body, eventIds);
	}

	/** Delivers exact bytes to a URL with signature and retries. */
	deliver(
		kind: Delivery['kind'],
		url: string,
		body: Buffer,
		eventIds: string[],
		wrongSecret?: boolean,
	): Delivery {
		const opts = this.options();
		const useWrong = wrongSecret ?? opts.signWithWrongSecret;
		const secret = useWrong ? `wrong-${opts.appSecret}-${randomBytes(4).toString('hex')}` : opts.appSecret;
		deliveryCounter++;
		const delivery: Delivery = {
			id: `dlv_${Date.now().toString(36)}_${deliveryCounter}`,
			kind,
			url,
			eventIds,
			bodyBytes: body.length,
			body,
			signature: signBody(secret, body),
			signedWithWrongSecret: useWrong,
			attempts: [],
			state: 'pending',
			createdAt: new Date(this.state.clock.now()).toISOString(),
		};
		this.state.addDelivery(delivery);
		if (this.closed) {
			delivery.state = 'failed';
			return delivery;
		}
		let resolveFirst!: () => void;
		this.firstAttempts.set(delivery.id, new Promise<void>((r) => (resolveFirst = r)));
		void this.scheduler.track(
			() => this.run(delivery, resolveFirst),
			(e) => this.log(`webhook delivery ${delivery.id} crashed: ${String(e)}`),
		);
		return delivery;
	}

	/** Resolves after the first attempt of a delivery finished (or at once if unknown). */
	async firstAttempt(deliveryId: string, timeoutMs = 15000): Promise<void> {
		const p = this.firstAttempts.get(deliveryId);
		if (!p) return;
		await Promise.race([p, new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
	}

	private async run(delivery: Delivery, resolveFirst: () => void): Promise<void> {
		const delays = this.options().webhookRetryDelaysMs;
		try {
			for (let i = 0; ; i++) {
				const ok = await this.attempt(delivery);
				if (i === 0) resolveFirst();
				if (ok) {
					delivery.state = 'delivered';
					return;
				}
				if (i >= delays.length) {
					delivery.state = 'failed';
					this.log(
						`webhook ${delivery.id} to ${delivery.url} gave up after ${delivery.attempts.length} attempts`,
					);
					return;
				}
				if (!(await this.scheduler.sleep(delays[i]))) return;
			}
		} finally {
			resolveFirst();
			this.firstAttempts.delete(delivery.id);
		}
	}

	private async attempt(delivery: Delivery): Promise<boolean> {
		const started = Date.now();
		const at = new Date(this.state.clock.now()).toISOString();
		try {
			const statusCode = await this.post(delivery);
			delivery.attempts.push({ at, statusCode, durationMs: Date.now() - started });
			return statusCode === 200;
		} catch (e) {
			delivery.attempts.push({
				at,
				error: e instanceof Error ? e.message : String(e),
				durationMs: Date.now() - started,
			});
			return false;
		}
	}

	private post(delivery: Delivery): Promise<number> {
		const opts = this.options();
		const url = new URL(delivery.url);
		const lib = url.protocol === 'https:' ? https : http;
		const sha1Secret = delivery.signedWithWrongSecret ? `wrong-${opts.appSecret}` : opts.appSecret;
		return new Promise<number>((resolve, reject) => {
			const req = lib.request(
				url,
				{
					method: 'POST',
					agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
					headers: {
						'Content-Type': 'application/json',
						'Content-Length': delivery.body.length,
						'User-Agent': 'facebookexternalua',
						'X-Hub-Signature-256': delivery.signature,
						'X-Hub-Signature': 'sha1=' + createHmac('sha1', sha1Secret).update(delivery.body).digest('hex'),
					},
					timeout: opts.webhookTimeoutMs,
				},
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
					res.on('error', reject);
				},
			);
			req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.webhookTimeoutMs} ms`)));
			req.on('error', reject);
			req.end(delivery.body);
		});
	}

	/**
	 * Meta's verification request: GET callback?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…; the
	 * callback must answer 200 with the challenge as the body.
	 */
	async handshake(callbackUrl: string, verifyToken: string): Promise<HandshakeResult> {
		let url: URL;
		try {
			url = new URL(callbackUrl);
			if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
		} catch {
			return { ok: false, url: callbackUrl, error: 'callback URL is not a valid http(s) URL' };
		}
		const challenge = String(Math.floor(Math.random() * 1e9) + 1e9);
		url.searchParams.set('hub.mode', 'subscribe');
		url.searchParams.set('hub.challenge', challenge);
		url.searchParams.set('hub.verify_token', verifyToken);
		const lib = url.protocol === 'https:' ? https : http;
		const timeout = this.options().webhookTimeoutMs;
		return new Promise<HandshakeResult>((resolve) => {
			const req = lib.request(
				url,
				{ method: 'GET', timeout, headers: { 'User-Agent': 'facebookplatform/1.0' } },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8').trim();
						const ok = res.statusCode === 200 && text === challenge;
						resolve({
							ok,
							url: callbackUrl,
							statusCode: res.statusCode,
							...(ok
								? {}
								: {
										error: `The URL couldn't be validated. Response does not match challenge, expected value="${challenge}", received="${text.slice(0, 60)}"`,
									}),
						});
					});
				},
			);
			req.on('timeout', () => req.destroy(new Error('timed out')));
			req.on('error', (e) =>
				resolve({ ok: false, url: callbackUrl, error: `The URL couldn't be validated. ${e.message}` }),
			);
			req.end();
		});
	}

	close(): void {
		this.closed = true;
		this.batches.clear();
		this.httpAgent.destroy();
		this.httpsAgent.destroy();
	}
}
