/**
 * Graph API versions and URL building for the WhatsApp Cloud API.
 * Meta keeps each Graph version usable for about two years; calls to an expired version are silently served by
 * the next oldest usable one, so we pin a current version explicitly.
 */

export const DEFAULT_GRAPH_API_VERSION = 'v25.0';
export const DEFAULT_BASE_URL = 'https://graph.facebook.com';
/** Versions usable at the time of writing (oldest first). Newer versions are accepted too (format check only). */
export const SUPPORTED_GRAPH_API_VERSIONS = ['v21.0', 'v22.0', 'v23.0', 'v24.0', 'v25.0', 'v26.0'] as const;

const VERSION_PATTERN = /^v(\d{1,3})\.0$/;

/**
 * Validates and normalises a Graph API version ("25", "v25", "v25.0", " V25.0 " → "v25.0").
 * Throws a clear error naming the field when the value is not a Graph version.
 */
export function normalizeApiVersion(version: string | undefined | null): string {
	const raw = (version ?? '').trim();
	if (raw === '') return DEFAULT_GRAPH_API_VERSION;
	let candidate = raw.toLowerCase();
	if (!candidate.startsWith('v')) candidate = `v${candidate}`;
	if (/^v\d{1,3}$/.test(candidate)) candidate = `${candidate}.0`;
	if (!VERSION_PATTERN.test(candidate)) {
		throw new Error(
			`Graph API version "${raw}" is not valid: use the form vNN.0, for example ${DEFAULT_GRAPH_API_VERSION}`,
		);
	}
	return candidate;
}

/** True when the version is one Meta still serves as itself (not silently upgraded). */
export function isSupportedApiVersion(version: string): boolean {
	return (SUPPORTED_GRAPH_API_VERSIONS as readonly string[]).includes(version);
}

/**
 * Validates a base URL ("https://graph.facebook.com", "http://127.0.0.1:7700/", a BSP proxy with a path prefix)
 * and returns it without a trailing slash.
 */
export function normalizeBaseUrl(baseUrl: string | undefined | null): string {
	const raw = (baseUrl ?? '').trim();
	if (raw === '') return DEFAULT_BASE_URL;
	const parsed = parseUrl(raw);
	if (!parsed) {
		throw new Error(
			`Base URL "${raw}" is not a valid URL: use ${DEFAULT_BASE_URL} or the simulator's address`,
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new Error(`Base URL "${raw}" must start with https:// (or http:// for a local simulator)`);
	}
	if (parsed.search || parsed.hash) {
		throw new Error(`Base URL "${raw}" must not contain a query string or fragment`);
	}
	return raw.replace(/\/+$/, '');
}

/** `new URL(value)` or undefined when the value is not a URL. */
export function parseUrl(value: string): URL | undefined {
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}

/** Encodes each path segment; rejects empty paths and dot segments so an ID can never walk up the URL. */
export function normalizeGraphPath(path: string): string {
	const segments = path
		.split('/')
		.map((s) => s.trim())
		.filter((s) => s !== '');
	if (segments.length === 0) throw new Error('Graph API path is empty');
	return segments
		.map((segment) => {
			if (segment === '.' || segment === '..')
				throw new Error(`Graph API path "${path}" contains "${segment}"`);
			return encodeURIComponent(decodeURIComponentSafe(segment));
		})
		.join('/');
}

function decodeURIComponentSafe(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** `${baseUrl}/${version}/${path}` with the version validated and slashes normalised. */
export function buildGraphUrl(
	baseUrl: string | undefined,
	version: string | undefined,
	path: string,
): string {
	return `${normalizeBaseUrl(baseUrl)}/${normalizeApiVersion(version)}/${normalizeGraphPath(path)}`;
}
