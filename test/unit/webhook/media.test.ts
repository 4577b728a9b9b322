import { createHash } from 'node:crypto';

import type { MessageEvent } from '../../../core/webhook/events';
import {
	MediaHttpError,
	fetchInboundMedia,
	mediaFileName,
	mediaLimitBytes,
	type MediaInfo,
	type MediaSource,
} from '../../../core/webhook/media';
import { parseEvents } from '../../../core/webhook/parse';
import { fixtureBytes } from './fixtures';

/** The fixture's media, announcing the SHA-256 (base64, as webhooks do) of `bytes` when given. */
function media(name: string, bytes?: string) {
	const r = parseEvents(fixtureBytes(name));
	if (!r.ok) throw new Error(r.reason);
	const m = (r.events[0] as MessageEvent).media!;
	return bytes === undefined ? m : { ...m, sha256: createHash('sha256').update(bytes).digest('base64') };
}

const MB = 1024 * 1024;

function source(
	overrides: Partial<MediaSource> = {},
): MediaSource & { infoCalls: number; downloadCalls: number } {
	const s: MediaSource & { infoCalls: number; downloadCalls: number } = {
		infoCalls: 0,
		downloadCalls: 0,
		async getMediaInfo(id: string): Promise<MediaInfo> {
			s.infoCalls++;
			return {
				url: `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${id}&n=${s.infoCalls}`,
				mimeType: 'application/pdf',
				fileSize: 12,
			};
		},
		async download() {
			s.downloadCalls++;
			return Buffer.from('%PDF-1.4 ok');
		},
		...overrides,
	};
	return s;
}

describe('fetchInboundMedia', () => {
	it('downloads in one step and names the file', async () => {
		const r = await fetchInboundMedia(media('message-document', '%PDF-1.4 ok'), source(), 16);
		expect(r).toEqual({
			ok: true,
			data: Buffer.from('%PDF-1.4 ok'),
			mimeType: 'application/pdf',
			fileName: 'referral-letter.pdf',
			fileSize: 11,
		});
	});

	it('bytes that do not match the announced SHA-256 are not attached (integrity_mismatch)', async () => {
		// The fixture announces the hash of Meta's real file; the download returns other bytes.
		const r = await fetchInboundMedia(media('message-document'), source(), 16);
		expect(r).toMatchObject({ ok: false, error: { code: 'integrity_mismatch' } });
		if (!r.ok) expect(r.error.message).toMatch(/SHA-256.*Re-run/s);
	});

	it('a hex SHA-256 from GET /{media-id} is checked too, and must agree', async () => {
		const hex = (t: string) => createHash('sha256').update(t).digest('hex');
		const withInfoHash = (hash: string) =>
			source({
				getMediaInfo: async () => ({ url: 'https://lookaside.fbsbx.com/x', sha256: hash, fileSize: 11 }),
			});
		const good = await fetchInboundMedia(
			media('message-document', '%PDF-1.4 ok'),
			withInfoHash(hex('%PDF-1.4 ok').toUpperCase()),
			16,
		);
		expect(good.ok).toBe(true);
		const bad = await fetchInboundMedia(
			media('message-document', '%PDF-1.4 ok'),
			withInfoHash(hex('something else')),
			16,
		);
		expect(bad).toMatchObject({ ok: false, error: { code: 'integrity_mismatch' } });
		const noHash = await fetchInboundMedia({ ...media('message-document'), sha256: null }, source(), 16);
		expect(noHash.ok).toBe(true);
	});

	it('expired media ID → clear media_expired error', async () => {
		const s = source({
			getMediaInfo: async () => {
				throw new MediaHttpError('Unsupported get request. Object with ID does not exist', 400, 100);
			},
		});
		const r = await fetchInboundMedia(media('message-image'), s, 16);
		expect(r).toMatchObject({ ok: false, error: { code: 'media_expired', httpStatus: 400, metaCode: 100 } });
		if (!r.ok) expect(r.error.message).toMatch(/7 days/);
	});

	it('expired URL → fetches a fresh URL once', async () => {
		const s = source();
		let n = 0;
		s.download = async (url: string) => {
			n++;
			if (url.endsWith('n=1')) throw new MediaHttpError('Not found', 404);
			return Buffer.from('img');
		};
		const r = await fetchInboundMedia(media('message-image', 'img'), s, 16);
		expect(r.ok).toBe(true);
		expect(n).toBe(2);
		expect(s.infoCalls).toBe(2);
	});

	it('URL still gone after refresh → url_expired', async () => {
		const s = source({
			download: async () => {
				throw new MediaHttpError('Not found', 404);
			},
		});
		expect(await fetchInboundMedia(media('message-image'), s, 16)).toMatchObject({
			ok: false,
			error: { code: 'url_expired' },
		});
	});

	it('too large by declared size → no download at all', async () => {
		const s = source({ getMediaInfo: async () => ({ url: 'u', fileSize: 6 * MB, mimeType: 'image/jpeg' }) });
		const r = await fetchInboundMedia(media('message-image'), s, 50);
		expect(r).toMatchObject({ ok: false, error: { code: 'too_large' } });
		expect(s.downloadCalls).toBe(0);
	});

	it('too large by actual bytes', async () => {
		const s = source({
			getMediaInfo: async () => ({ url: 'u' }),
			download: async () => Buffer.alloc(2 * MB),
		});
		expect(await fetchInboundMedia(media('message-document'), s, 1)).toMatchObject({
			ok: false,
			error: { code: 'too_large' },
		});
	});

	it('other failures → download_failed, never a throw', async () => {
		const s = source({
			download: async () => {
				throw new MediaHttpError('socket hang up');
			},
		});
		expect(await fetchInboundMedia(media('message-video'), s, 16)).toMatchObject({
			ok: false,
			error: { code: 'download_failed', httpStatus: null },
		});
	});
});

describe('limits and names', () => {
	it('never above Meta’s per-kind limit', () => {
		expect(mediaLimitBytes('image', 100)).toBe(5 * MB);
		expect(mediaLimitBytes('document', 100)).toBe(100 * MB);
		expect(mediaLimitBytes('document', 10)).toBe(10 * MB);
		expect(mediaLimitBytes('sticker', 0)).toBe(500 * 1024);
	});
	it('file names', () => {
		expect(mediaFileName(media('message-audio-voice'), 'audio/ogg; codecs=opus')).toBe(
			'audio-1148428493286297.ogg',
		);
		expect(mediaFileName({ ...media('message-document'), filename: '../../etc/passwd' }, null)).toBe(
			'.._.._etc_passwd',
		);
	});
});
