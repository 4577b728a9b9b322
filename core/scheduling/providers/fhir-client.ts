/**
 * The FHIR R4 REST calls of the scheduling backend over the injected HttpSender: reads, searches that follow
 * `Bundle.link[next]`, transaction Bundles and version-checked (`If-Match: W/"<versionId>"`) writes. HTTP statuses
 * come back as values; a failed call becomes a SchedulingRemoteError carrying the OperationOutcome text.
 */
import { type HttpResponse, type HttpSender, SchedulingInputError, SchedulingRemoteError } from '../types';
import type { Bundle, BundleEntry, FhirResource, IncludedResources, Meta } from './fhir-resources';

const FHIR_JSON = 'application/fhir+json';
const CONFLICT = new Set([409, 412]);

/** 409 / 412: the resource changed since it was read (another booking won). */
export function isConflict(res: HttpResponse): boolean {
	return CONFLICT.has(res.status);
}

function outcomeText(body: unknown): string {
	const issues = (body as { issue?: Array<{ diagnostics?: string; details?: { text?: string } }> })?.issue;
	const text = issues
		?.map((i) => i.diagnostics ?? i.details?.text)
		.filter(Boolean)
		.join('; ');
	return text ? `: ${text}` : '';
}

/** A transaction entry that updates `resource` only if it is still at the version that was read. */
export function versionedPut<R extends { resourceType: string; id?: string; meta?: Meta }>(
	resource: R,
): BundleEntry {
	return {
		resource: resource as unknown as FhirResource,
		request: {
			method: 'PUT',
			url: `${resource.resourceType}/${resource.id}`,
			...(resource.meta?.versionId ? { ifMatch: `W/"${resource.meta.versionId}"` } : {}),
		},
	};
}

/** Why a search ended before reading every match the server reported. */
export interface SearchTruncation {
	/** Matches the server reported (`Bundle.total`) but that were not read; null when it gave no total. */
	unread: number | null;
	message: string;
}

export interface SearchResult {
	matches: FhirResource[];
	included: IncludedResources;
	/** Set when matches were left unread (see FhirClient.search). */
	truncated?: SearchTruncation;
}

/** The search parameters with `_offset` set to `offset` (any earlier `_offset` replaced). */
function withOffset(params: Array<[string, string]>, offset: number): Array<[string, string]> {
	return [...params.filter(([k]) => k !== '_offset'), ['_offset', String(offset)]];
}

function truncation(
	type: string,
	total: number | undefined,
	read: number,
	why: 'offset' | 'pages',
	maxPages = 0,
): SearchTruncation {
	const unread = total === undefined ? null : Math.max(0, total - read);
	const count = unread === null ? 'More' : `${unread} of ${total}`;
	const reason =
		why === 'offset'
			? `the FHIR server sent ${read} without a "next" link and does not page with _offset`
			: `the search stopped after ${maxPages} pages`;
	return {
		unread,
		message: `${count} ${type} results were not read: ${reason}. Narrow the search (dates, practitioner).`,
	};
}

export class FhirClient {
	private readonly base: string;

	constructor(
		baseUrl: string,
		private readonly send: HttpSender,
		/** Safety cap on followed `next` links. */
		private readonly maxPages: number,
	) {
		if (!/^https?:\/\//i.test(baseUrl ?? '')) {
			throw new SchedulingInputError('FHIR base URL must start with http:// or https://', 'baseUrl');
		}
		this.base = baseUrl.replace(/\/+$/, '');
	}

	private url(path: string, params?: Array<[string, string]>): string {
		const url = /^https?:\/\//i.test(path) ? path : `${this.base}/${path.replace(/^\/+/, '')}`;
		if (!params?.length) return url;
		const qs = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
		return `${url}${url.includes('?') ? '&' : '?'}${qs}`;
	}

	async call(
		method: 'GET' | 'POST' | 'PUT',
		path: string,
		options: { params?: Array<[string, string]>; body?: unknown; ifMatch?: string } = {},
	): Promise<HttpResponse> {
		const headers: Record<string, string> = { Accept: FHIR_JSON };
		if (options.body !== undefined) headers['Content-Type'] = FHIR_JSON;
		if (options.ifMatch) headers['If-Match'] = options.ifMatch;
		return await this.send({ method, url: this.url(path, options.params), headers, body: options.body });
	}

	fail(what: string, res: HttpResponse): never {
		throw new SchedulingRemoteError(
			`FHIR server ${what} failed with HTTP ${res.status}${outcomeText(res.body)}`,
			res.status,
			res.body,
		);
	}

	/** The resource, or undefined when it does not exist (404) or was deleted (410). */
	async read<T>(type: string, id: string): Promise<T | undefined> {
		const res = await this.call('GET', `${type}/${encodeURIComponent(id)}`);
		if (res.status === 404 || res.status === 410) return undefined;
		if (res.status >= 400) this.fail(`read of ${type}/${id}`, res);
		return res.body as T;
	}

	/**
	 * Runs a search and follows `next` links until `limit` accepted matches or the pages run out. A server that says
	 * `total` is larger than what it sent but gives no `next` link is asked for the rest with `_offset` (+ the same
	 * `_count`); when it cannot page that way (it refuses `_offset` or sends the same entries again), or the page cap
	 * stops the search, the result says how many matches were not read (`truncated`) instead of ending silently.
	 */
	async search(
		type: string,
		params: Array<[string, string]>,
		limit = Infinity,
		accept?: (resource: FhirResource) => boolean,
	): Promise<SearchResult> {
		const matches: FhirResource[] = [];
		const included: IncludedResources = new Map();
		const seen = new Set<string>();
		let total: number | undefined;
		let res = await this.call('GET', type, { params });
		let viaOffset = false;
		for (let page = 1; ; page++) {
			if (res.status >= 400) {
				if (viaOffset) return { matches, included, truncated: truncation(type, total, seen.size, 'offset') };
				this.fail(`search ${type}`, res);
			}
			const bundle = res.body as Bundle;
			if (total === undefined && typeof bundle.total === 'number') total = bundle.total;
			let fresh = 0;
			for (const e of bundle.entry ?? []) {
				if (!e.resource) continue;
				if (e.search?.mode === 'include' || e.resource.resourceType !== type) {
					included.set(`${e.resource.resourceType}/${e.resource.id}`, e.resource);
					continue;
				}
				const key = e.resource.id ?? `#${seen.size}`;
				if (seen.has(key)) continue;
				seen.add(key);
				fresh++;
				if (!accept || accept(e.resource)) matches.push(e.resource);
			}
			if (matches.length >= limit) break;
			if (viaOffset && fresh === 0)
				return { matches, included, truncated: truncation(type, total, seen.size, 'offset') };
			const next = bundle.link?.find((l) => l.relation === 'next')?.url;
			const more = next !== undefined || (total !== undefined && seen.size < total);
			if (!more) break;
			if (page >= this.maxPages)
				return { matches, included, truncated: truncation(type, total, seen.size, 'pages', this.maxPages) };
			viaOffset = next === undefined;
			res = next
				? await this.call('GET', next)
				: await this.call('GET', type, { params: withOffset(params, seen.size) });
		}
		return { matches: matches.slice(0, limit), included };
	}

	/** POSTs a transaction Bundle (all entries succeed or none). */
	async transaction(entries: BundleEntry[]): Promise<HttpResponse> {
		return await this.call('POST', '', {
			body: { resourceType: 'Bundle', type: 'transaction', entry: entries },
		});
	}
}
