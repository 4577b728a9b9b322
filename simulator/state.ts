/**
 * In-memory simulator state: users and their 24 h customer-service windows, accepted outbound messages,
 * inbound messages, media, webhook deliveries and callback overrides. Time comes from SimClock.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { Clock } from './options';

export const WINDOW_MS = 24 * 60 * 60 * 1000;
/** Messages and deliveries kept in memory (oldest dropped first) so long benchmark runs stay bounded. */
export const MAX_KEPT = 100_000;

/** The injected clock plus an offset that POST /_sim/clock advances. */
export class SimClock implements Clock {
	private offsetMs = 0;
	constructor(private readonly base: Clock) {}
	now(): number {
		return this.base.now() + this.offsetMs;
	}
	advance(ms: number): void {
		this.offsetMs += ms;
	}
	reset(): void {
		this.offsetMs = 0;
	}
	get offset(): number {
		return this.offsetMs;
	}
}

export interface SimUser {
	/** Phone digits (absent for username-only users). */
	waId?: string;
	/** Business-scoped user ID, e.g. `US.13491208655302741918`. */
	userId: string;
	username?: string;
	name?: string;
	lastInboundAt?: number;
	/** Accepted messages then fail with 131026 (user blocked the business). */
	blocked?: boolean;
}

export type StatusName = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusEvent {
	status: Exclude<StatusName, 'accepted'>;
	at: number;
	errors?: Array<Record<string, unknown>>;
}

export interface RenderedButton {
	type:
		| 'QUICK_REPLY'
		| 'URL'
		| 'PHONE_NUMBER'
		| 'COPY_CODE'
		| 'reply'
		| 'cta_url'
		| 'voice_call'
		| 'call_permission'
		| 'flow';
	text: string;
	/** Template quick replies: the payload the tap will carry. Interactive reply buttons: the id. */
	payload?: string;
	url?: string;
	phoneNumber?: string;
	code?: string;
}

/** A message as a patient would see it; the chat page draws this. */
export interface RenderedMessage {
	header?: { type: 'text' | 'image' | 'video' | 'document'; text?: string; url?: string; filename?: string };
	body?: string;
	footer?: string;
	buttons?: RenderedButton[];
	list?: {
		button: string;
		sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
	};
	media?: { type: string; url?: string; caption?: string; filename?: string; mimeType?: string };
	location?: { latitude: number; longitude: number; name?: string; address?: string };
	reaction?: { messageId: string; emoji: string };
	contacts?: Array<{ name: string; phones: string[] }>;
}

export interface OutboundMessage {
	id: string;
	phoneNumberId: string;
	to: string;
	/** Key of the user in `users` (wa_id or BSUID). */
	userKey: string;
	type: string;
	/** The request body as received (after JSON parsing). */
	request: Record<string, unknown>;
	acceptedAt: number;
	status: StatusName;
	statuses: StatusEvent[];
	/** Pricing category: template category (lower case) or 'service'. */
	category: string;
	billable: boolean;
	pricingType: 'regular' | 'free_customer_service' | 'free_entry_point';
	bizOpaqueCallbackData?: string;
	templateName?: string;
	templateLanguage?: string;
	rendered: RenderedMessage;
	/** Failure to report through the status webhook instead of `delivered`/`read`. */
	pendingFailure?: { beforeSent?: boolean; error: Record<string, unknown> };
}

export interface InboundMessage {
	id: string;
	phoneNumberId: string;
	userKey: string;
	type: string;
	receivedAt: number;
	/** The message object as put into the webhook. */
	message: Record<string, unknown>;
	deliveryId?: string;
	/** When the business marked it read (POST messages with status: read). */
	readAt?: number;
}

export interface MediaItem {
	id: string;
	phoneNumberId: string;
	mimeType: string;
	fileName?: string;
	sha256: string;
	data: Buffer;
	createdAt: number;
	expiresAt: number;
	origin: 'upload' | 'inbound';
	deleted?: boolean;
}

export interface DeliveryAttempt {
	at: string;
	statusCode?: number;
	error?: string;
	durationMs: number;
}

export interface Delivery {
	id: string;
	kind: 'statuses' | 'messages' | 'raw' | 'groups' | 'calls';
	url: string;
	eventIds: string[];
	bodyBytes: number;
	body: Buffer;
	signature: string;
	signedWithWrongSecret: boolean;
	attempts: DeliveryAttempt[];
	state: 'pending' | 'delivered' | 'failed';
	createdAt: string;
}

export interface CallbackOverride {
	uri: string;
	verifyToken: string;
}

let wamidCounter = 0;

/** A wamid that looks like Meta's (base64 of a small binary blob with the recipient) and is unique. */
export function newWamid(to: string): string {
	wamidCounter = (wamidCounter + 1) % 0xffffff;
	const digits = Buffer.from(to.slice(0, 40));
	const body = Buffer.concat([
		Buffer.from([0x1c, 0x18, digits.length]),
		digits,
		Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
		Buffer.from(
			randomBytes(7).toString('hex').toUpperCase() + wamidCounter.toString(16).padStart(6, '0').toUpperCase(),
		),
		Buffer.from([0x00]),
	]);
	return 'wamid.' + body.toString('base64');
}

export function newNumericId(): string {
	return String(1000000000000000 + Math.floor(Math.random() * 8999999999999999)).slice(0, 16);
}

/** Region code for a phone's BSUID prefix: a tiny calling-code table (enough for the simulator). */
function regionFor(waId: string): string {
	const table: Array<[string, string]> = [
		['55', 'BR'],
		['54', 'AR'],
		['52', 'MX'],
		['57', 'CO'],
		['56', 'CL'],
		['51', 'PE'],
		['34', 'ES'],
		['351', 'PT'],
		['44', 'GB'],
		['49', 'DE'],
		['33', 'FR'],
		['39', 'IT'],
		['91', 'IN'],
		['1', 'US'],
	];
	for (const [cc, region] of table.sort((a, b) => b[0].length - a[0].length)) {
		if (waId.startsWith(cc)) return region;
	}
	return 'US';
}

/** A stable BSUID for a phone number (same phone → same ID). */
export function bsuidForPhone(waId: string): string {
	const digest = createHash('sha256').update(`bsuid:${waId}`).digest();
	const num = digest.readBigUInt64BE(0).toString().padStart(20, '0').slice(0, 20);
	return `${regionFor(waId)}.${num}`;
}

export const BSUID_PATTERN = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

export class SimState {
	users = new Map<string, SimUser>();
	private usersByUserId = new Map<string, SimUser>();
	outbound: OutboundMessage[] = [];
	outboundById = new Map<string, OutboundMessage>();
	inbound: InboundMessage[] = [];
	inboundById = new Map<string, InboundMessage>();
	media = new Map<string, MediaItem>();
	/** Short-lived download tokens → media id + expiry (sim clock). */
	mediaUrls = new Map<string, { mediaId: string; expiresAt: number }>();
	deliveries: Delivery[] = [];
	deliveriesById = new Map<string, Delivery>();
	phoneOverrides = new Map<string, CallbackOverride>();
	wabaOverride: CallbackOverride | undefined;
	subscribedApps: Array<{ id: string; name: string; overrideCallbackUri?: string }> = [];
	/** Phone numbers (digits) whose messages fail with 131026 after acceptance. */
	blockedNumbers = new Set<string>();

	/** Incremented by reset(); background work from before a reset checks it and stops. */
	generation = 0;

	constructor(readonly clock: SimClock) {}

	reset(): void {
		this.generation++;
		this.users.clear();
		this.usersByUserId.clear();
		this.outbound = [];
		this.outboundById.clear();
		this.inbound = [];
		this.inboundById.clear();
		this.media.clear();
		this.mediaUrls.clear();
		this.deliveries = [];
		this.deliveriesById.clear();
		this.phoneOverrides.clear();
		this.wabaOverride = undefined;
		this.subscribedApps = [];
		this.blockedNumbers.clear();
	}

	/** Finds a user by wa_id or BSUID. */
	findUser(key: string): SimUser | undefined {
		return this.users.get(key) ?? this.usersByUserId.get(key);
	}

	/** Finds or creates a user from a phone (digits) or a BSUID; returns the user and its key. */
	upsertUser(input: { waId?: string; userId?: string; username?: string; name?: string }): {
		user: SimUser;
		key: string;
	} {
		const existing =
			(input.waId && this.findUser(input.waId)) || (input.userId && this.findUser(input.userId));
		if (existing) {
			if (input.name) existing.name = input.name;
			if (input.username) existing.username = input.username;
			return { user: existing, key: existing.waId ?? existing.userId };
		}
		const user: SimUser = {
			waId: input.waId,
			userId: input.userId ?? (input.waId ? bsuidForPhone(input.waId) : `US.${newNumericId()}`),
			username: input.username,
			name: input.name,
		};
		const key = user.waId ?? user.userId;
		this.users.set(key, user);
		this.usersByUserId.set(user.userId, user);
		return { user, key };
	}

	windowOpen(user: SimUser | undefined, now: number): boolean {
		return !!user?.lastInboundAt && now - user.lastInboundAt < WINDOW_MS;
	}

	addOutbound(msg: OutboundMessage): void {
		this.outbound.push(msg);
		this.outboundById.set(msg.id, msg);
		// Bound memory for long benchmark runs: keep the most recent messages.
		if (this.outbound.length > MAX_KEPT * 1.1) {
			for (const m of this.outbound.splice(0, this.outbound.length - MAX_KEPT))
				this.outboundById.delete(m.id);
		}
	}

	addInbound(msg: InboundMessage): void {
		this.inbound.push(msg);
		this.inboundById.set(msg.id, msg);
		if (this.inbound.length > MAX_KEPT * 1.1) {
			for (const m of this.inbound.splice(0, this.inbound.length - MAX_KEPT)) this.inboundById.delete(m.id);
		}
	}

	addDelivery(d: Delivery): void {
		this.deliveries.push(d);
		this.deliveriesById.set(d.id, d);
		if (this.deliveries.length > MAX_KEPT * 1.1) {
			const dropped = this.deliveries.splice(0, this.deliveries.length - MAX_KEPT);
			for (const x of dropped) this.deliveriesById.delete(x.id);
		}
	}
}
