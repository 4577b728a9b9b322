/** Contract tests: template catalogue paging/filters, media lifecycle, phone number and WABA reads. */
import { createHash } from 'node:crypto';

import type { Simulator } from '../../../simulator';
import { exampleSendComponents, TEMPLATES } from '../../../simulator';
import { expectGraphError, graph, PATIENT, PHONE_ID, send, start, WABA_ID } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await start();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

describe('GET /{waba-id}/message_templates', () => {
	it('pages with limit / after cursors and paging.next until every template was seen', async () => {
		let page = await graph(sim, 'GET', `${WABA_ID}/message_templates?limit=7`);
		const seen: string[] = [];
		let pages = 0;
		for (;;) {
			pages++;
			expect(page.status).toBe(200);
			expect(page.body.data.length).toBeLessThanOrEqual(7);
			seen.push(...page.body.data.map((t: any) => t.id));
			expect(page.body.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
			if (!page.body.paging.next) break;
			const res = await fetch(page.body.paging.next, { headers: { Authorization: 'Bearer sim-token' } });
			page = { status: res.status, body: (await res.json()) as any };
		}
		expect(seen).toEqual(TEMPLATES.map((t) => t.id));
		expect(pages).toBe(Math.ceil(TEMPLATES.length / 7));
		// before cursor goes back one page
		const prevUrl = page.body.paging.previous;
		expect(prevUrl).toEqual(expect.stringContaining('before='));
		const prev = (await (
			await fetch(prevUrl, { headers: { Authorization: 'Bearer sim-token' } })
		).json()) as any;
		expect(prev.data).toHaveLength(7);
		expect(prev.data[6].id).toBe(seen[seen.length - page.body.data.length - 1]);
	});

	it('defaults to 25 per page and filters by name, status, language and category', async () => {
		const first = await graph(sim, 'GET', `${WABA_ID}/message_templates`);
		expect(first.body.data).toHaveLength(Math.min(25, TEMPLATES.length));
		const pt = await graph(
			sim,
			'GET',
			`${WABA_ID}/message_templates?language=pt_BR&status=APPROVED&limit=100`,
		);
		expect(pt.body.data.length).toBeGreaterThanOrEqual(7);
		expect(pt.body.data.every((t: any) => t.language === 'pt_BR' && t.status === 'APPROVED')).toBe(true);
		expect(pt.body.paging.next).toBeUndefined();
		const byName = await graph(sim, 'GET', `${WABA_ID}/message_templates?name=appointment_reminder`);
		expect(byName.body.data.map((t: any) => t.language).sort()).toEqual(['en_US', 'es', 'pt_BR']);
		const marketing = await graph(sim, 'GET', `${WABA_ID}/message_templates?category=MARKETING&limit=100`);
		expect(marketing.body.data.every((t: any) => t.category === 'MARKETING')).toBe(true);
		const paused = await graph(sim, 'GET', `${WABA_ID}/message_templates?status=PAUSED,REJECTED`);
		expect(new Set(paused.body.data.map((t: any) => t.status))).toEqual(new Set(['PAUSED', 'REJECTED']));
		const fields = await graph(sim, 'GET', `${WABA_ID}/message_templates?fields=name,status&limit=1`);
		expect(fields.body.data[0]).toEqual({
			name: expect.any(String),
			status: expect.any(String),
			id: expect.any(String),
		});
		expectGraphError(await graph(sim, 'GET', `${WABA_ID}/message_templates?limit=0`), 400, 100);
		expectGraphError(await graph(sim, 'GET', `${WABA_ID}/message_templates?after=bogus`), 400, 100);
	});

	it('serves templates in Meta shape, including NAMED and DOCUMENT-header ones; GET /{template-id}', async () => {
		const named = TEMPLATES.find((t) => t.parameter_format === 'NAMED' && t.language === 'en_US')!;
		const r = await graph(sim, 'GET', named.id);
		expect(r.body).toEqual(JSON.parse(JSON.stringify(named)));
		const body = named.components.find((c) => c.type === 'BODY')!;
		expect(body.text).toContain('{{first_name}}');
		expect(body.example?.body_text_named_params?.[0]).toEqual({ param_name: 'first_name', example: 'Maria' });
		const lab = TEMPLATES.find((t) => t.name === 'lab_results_ready')!;
		expect(lab.components[0]).toEqual(expect.objectContaining({ type: 'HEADER', format: 'DOCUMENT' }));
		const names = new Set(TEMPLATES.map((t) => t.name));
		for (const n of [
			'appointment_reminder',
			'appointment_confirmation',
			'lab_results_ready',
			'post_visit_follow_up',
			'satisfaction_survey',
			'telemedicine_link',
			'opt_in_request',
		]) {
			expect(names.has(n)).toBe(true);
		}
		const reminderButtons = TEMPLATES.find(
			(t) => t.name === 'appointment_reminder' && t.language === 'en_US',
		)!.components.find((c) => c.type === 'BUTTONS')!.buttons!;
		expect(reminderButtons.map((b) => [b.type, b.text])).toEqual([
			['QUICK_REPLY', 'Confirm'],
			['QUICK_REPLY', 'Cancel'],
			['QUICK_REPLY', 'Reschedule'],
		]);
	});
});

describe('catalogue self-consistency', () => {
	it('every APPROVED template is accepted when sent with its own examples; others are refused', async () => {
		const results: Array<[string, number, number | undefined]> = [];
		for (const [i, t] of TEMPLATES.entries()) {
			const r = await send(sim, {
				to: `55119${String(i).padStart(8, '0')}`,
				type: 'template',
				template: { name: t.name, language: { code: t.language }, components: exampleSendComponents(t) },
			});
			results.push([`${t.name}/${t.language}/${t.status}`, r.status, r.body.error?.code]);
		}
		for (const [key, status, code] of results) {
			if (key.endsWith('/APPROVED')) expect([key, status]).toEqual([key, 200]);
			else if (key.endsWith('/PAUSED')) expect([key, code]).toEqual([key, 132015]);
			else expect([key, code]).toEqual([key, 132001]);
		}
		const rendered = sim.messages().map((m) => JSON.stringify(m.rendered));
		expect(rendered.filter((r) => r.includes('{{'))).toEqual([]);
	});
});

async function upload(
	data: Buffer,
	type: string,
	filename: string,
	extra: Record<string, string> = { messaging_product: 'whatsapp' },
) {
	const form = new FormData();
	for (const [k, v] of Object.entries(extra)) form.append(k, v);
	form.append('type', type);
	form.append('file', new Blob([new Uint8Array(data)], { type }), filename);
	const res = await fetch(`${sim.url}/v23.0/${PHONE_ID}/media`, {
		method: 'POST',
		headers: { Authorization: 'Bearer sim-token' },
		body: form,
	});
	return { status: res.status, body: (await res.json()) as any };
}

describe('media', () => {
	const pdf = Buffer.from('%PDF-1.4 lab report for tests\n%%EOF');

	it('upload → GET /{media-id} (short-lived URL) → download with Bearer → 404 after 5 minutes → DELETE', async () => {
		const up = await upload(pdf, 'application/pdf', 'report.pdf');
		expect(up.status).toBe(200);
		expect(up.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
		const info = await graph(sim, 'GET', up.body.id);
		expect(info.body).toEqual({
			messaging_product: 'whatsapp',
			url: expect.stringContaining(sim.url),
			mime_type: 'application/pdf',
			sha256: createHash('sha256').update(pdf).digest('hex'),
			file_size: pdf.length,
			id: up.body.id,
		});
		expect((await fetch(info.body.url)).status).toBe(401);
		const dl = await fetch(info.body.url, { headers: { Authorization: 'Bearer sim-token' } });
		expect(dl.status).toBe(200);
		expect(Buffer.from(await dl.arrayBuffer())).toEqual(pdf);
		sim.advanceClock(5 * 60 * 1000 + 1);
		expect((await fetch(info.body.url, { headers: { Authorization: 'Bearer sim-token' } })).status).toBe(404);
		const fresh = await graph(sim, 'GET', up.body.id);
		expect((await fetch(fresh.body.url, { headers: { Authorization: 'Bearer sim-token' } })).status).toBe(
			200,
		);
		expect((await graph(sim, 'DELETE', up.body.id)).body).toEqual({ success: true });
		expectGraphError(await graph(sim, 'GET', up.body.id), 400, 100);
		expectGraphError(await graph(sim, 'DELETE', up.body.id), 400, 100);
	});

	it('uploaded IDs can be sent (document by id) and expire after 30 days', async () => {
		await sim.inbound({ from: PATIENT, type: 'text', text: 'hi' });
		const up = await upload(pdf, 'application/pdf', 'report.pdf');
		const r = await send(sim, {
			to: PATIENT,
			type: 'document',
			document: { id: up.body.id, filename: 'report.pdf' },
		});
		expect(r.status).toBe(200);
		expect((sim.messages()[0].rendered as any).media).toEqual(
			expect.objectContaining({ type: 'document', url: `/_sim/media/${up.body.id}` }),
		);
		sim.advanceClock(30 * 24 * 3600 * 1000);
		expectGraphError(await graph(sim, 'GET', up.body.id), 400, 100);
	});

	it('enforces type and size limits per media type', async () => {
		const big = Buffer.alloc(5 * 1024 * 1024 + 1, 1);
		expect((await upload(big, 'image/jpeg', 'big.jpg')).body.error.code).toBe(131053);
		expect((await upload(Buffer.alloc(600 * 1024, 1), 'image/webp', 's.webp')).body.error.code).toBe(131053);
		expect((await upload(Buffer.alloc(5 * 1024 * 1024, 1), 'image/jpeg', 'ok.jpg')).status).toBe(200);
		const exe = await upload(Buffer.from('MZ'), 'application/x-msdownload', 'a.exe');
		expect(exe.body.error.code).toBe(100);
		expect(exe.body.error.error_data.details).toContain('application/x-msdownload');
		const noProduct = await upload(pdf, 'application/pdf', 'a.pdf', {});
		expect(noProduct.body.error.code).toBe(100);
		expect(noProduct.body.error.message).toContain('messaging_product');
	});
});

describe('phone number, WABA and root reads', () => {
	it('GET /{phone-number-id} returns the fields the credential test reads', async () => {
		const r = await graph(sim, 'GET', PHONE_ID);
		expect(r.body).toEqual(
			expect.objectContaining({
				id: PHONE_ID,
				display_phone_number: '+1 555-010-0001',
				verified_name: 'Sim Clinic',
				quality_rating: 'GREEN',
				code_verification_status: 'VERIFIED',
			}),
		);
		const f = await graph(sim, 'GET', `${PHONE_ID}?fields=display_phone_number,verified_name`);
		expect(f.body).toEqual({
			display_phone_number: '+1 555-010-0001',
			verified_name: 'Sim Clinic',
			id: PHONE_ID,
		});
		const list = await graph(sim, 'GET', `${WABA_ID}/phone_numbers`);
		expect(list.body.data.map((p: any) => p.id)).toEqual([PHONE_ID]);
		expect((await graph(sim, 'GET', WABA_ID)).body.id).toBe(WABA_ID);
		expect((await graph(sim, 'GET', 'me')).status).toBe(200);
		expect((await graph(sim, 'GET', '')).status).toBe(200);
		expectGraphError(await graph(sim, 'GET', `${PHONE_ID}/nonsense`), 400, 2500);
		expectGraphError(await graph(sim, 'GET', '12345'), 400, 100);
	});
});
