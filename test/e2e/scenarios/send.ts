/**
 * Issue 5 end to end: WhatsApp Send Template and WhatsApp Send Message in a real n8n against the simulator.
 *
 * - send-template-params: a NAMED template (resource mapper, template from the list) and a POSITIONAL template
 *   (template name + language from an expression, JSON parameters) for two patients → the simulator got exactly
 *   the expected template payloads, and the output items carry messageId/waId in input order.
 * - send-template-document: a PDF arriving as base64 → n8n binary (Convert to File) → Send Template with a
 *   DOCUMENT header from that binary → the header carries an uploaded media ID whose bytes are the PDF.
 * - send-list-from-slots: Appointment Slot Lookup (built-in backend, "WhatsApp List") → Send Message list to a
 *   patient who just wrote → one interactive list, ≤ 10 rows, row ids = the slot ids.
 * - send-131047: free-form text to patients outside the 24-hour window → the execution fails with an error that
 *   says so and points to Send Template; with "Continue On Fail" the failed items carry code 131047.
 *
 * The workflows are built here (test-only, not shipped) and imported through the harness. The simulator's
 * webhook is switched off while these run, so the patient-inbox bot does not answer the test patients.
 */
import type { WorkflowJson, WorkflowNode } from '../../stack/n8n';
import { decodeCallbackData } from '../../../core/whatsapp/callback-data';
import type { SimOutbound } from '../../stack/sim';
import { assert, assertEqual, type Scenario } from '../scenario';
import { isolate, nodeOutput, runOnce, T, useWorkflow, webhookNode } from './util';

const WHATSAPP = { whatsAppClinicApi: { name: 'WhatsApp Cloud API (simulator)' } };
const STORE = { clinicStoreApi: { name: 'Clinic Store (SQLite)' } };

let phoneCounter = 0;
/** A valid, unique Brazilian mobile number (digits only): 55 11 9 9 + 7 digits. */
function brMobile(): string {
	phoneCounter += 1;
	const tail = String(((Date.now() % 100_000) * 100 + phoneCounter) % 10_000_000).padStart(7, '0');
	return `551199${tail}`;
}

const digits = (s: unknown) => String(s ?? '').replace(/\D/g, '');

function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++)
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
}

/** Resource mapper value as the editor saves it (every field a string). */
function mapperValue(values: Record<string, string>) {
	return {
		mappingMode: 'defineBelow',
		value: values,
		matchingColumns: [],
		schema: Object.keys(values).map((id) => ({
			id,
			displayName: id,
			required: true,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
		})),
		attemptToConvertTypes: false,
		convertFieldsToString: true,
	};
}

function assertNoSecrets(items: unknown, what: string): void {
	const text = JSON.stringify(items);
	assert(!text.includes('sim-token') && !text.includes('sim-secret'), `${what} carries no credential secret`);
}

// ---------------------------------------------------------------------------------------------------------------
// (a) NAMED and POSITIONAL templates

const TEMPLATES_PATH = 'e2e-send-templates';

function templatesWorkflow(): WorkflowJson {
	return {
		name: 'E2E send templates (named + positional)',
		nodes: [
			webhookNode(TEMPLATES_PATH),
			{
				name: 'Patients',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					mode: 'runOnceForAllItems',
					language: 'javaScript',
					jsCode: 'return $input.first().json.body.patients.map((p) => ({ json: p }));',
				},
			},
			{
				name: 'Confirmation (named)',
				type: T('whatsAppSendTemplate'),
				typeVersion: 1,
				position: [440, -100],
				parameters: {
					recipient: '={{ $json.phone }}',
					template: {
						__rl: true,
						mode: 'list',
						value: 'appointment_confirmation|en_US',
						cachedResultName: 'appointment_confirmation (en_US) · UTILITY',
					},
					parameterSource: 'mapper',
					templateParameters: mapperValue({
						body_first_name: '={{ $json.firstName }}',
						body_doctor_name: '={{ $json.doctor }}',
						body_appointment_date: '={{ $json.date }}',
						body_appointment_time: '={{ $json.time }}',
					}),
					options: { defaultCountry: 'BR' },
				},
				credentials: WHATSAPP,
			},
			{
				name: 'Reminder (positional)',
				type: T('whatsAppSendTemplate'),
				typeVersion: 1,
				position: [440, 100],
				parameters: {
					recipient: '={{ $json.phone }}',
					template: { __rl: true, mode: 'name', value: "={{ 'appointment_reminder|' + $json.language }}" },
					parameterSource: 'json',
					parametersJson:
						"={{ { header_1: 'Sim Clinic', body_1: $json.firstName, body_2: $json.date, body_3: $json.time, button_0_payload: 'CONFIRM:' + $json.appointmentId, button_2_payload: 'RESCHEDULE:' + $json.appointmentId } }}",
					options: { bizOpaqueCallbackData: '={{ $json.appointmentId }}', defaultCountry: 'BR' },
				},
				credentials: WHATSAPP,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Patients', type: 'main', index: 0 }]] },
			Patients: {
				main: [
					[
						{ node: 'Confirmation (named)', type: 'main', index: 0 },
						{ node: 'Reminder (positional)', type: 'main', index: 0 },
					],
				],
			},
		},
	};
}

export const sendTemplateParamsScenario: Scenario = {
	name: 'send-template-params',
	description:
		'Send Template: NAMED (mapper) and POSITIONAL (by name from an expression, JSON) templates → exact payloads in the simulator, messageId/waId per item in order',
	requires: { nodes: ['whatsAppSendTemplate'], credentials: ['whatsAppClinicApi'] },
	async run(ctx) {
		await isolate(ctx);
		const wfId = await useWorkflow(ctx, templatesWorkflow());
		const ana = brMobile();
		const bruno = brMobile();
		// Ana's number in local Brazilian format (Default Country BR); Bruno's in E.164.
		const anaLocal = `(11) ${ana.slice(4, 9)}-${ana.slice(9)}`;
		const patients = [
			{
				phone: anaLocal,
				firstName: 'Ana',
				doctor: 'Dr. Silva',
				date: '12 Dec 2026',
				time: '09:30',
				language: 'en_US',
				appointmentId: 'APPT-A1',
			},
			{
				phone: `+${bruno}`,
				firstName: 'Bruno',
				doctor: 'Dr. Costa',
				date: '13 Dec 2026',
				time: '14:00',
				language: 'pt_BR',
				appointmentId: 'APPT-B2',
			},
		];
		const { execution } = await runOnce(ctx, wfId, TEMPLATES_PATH, { patients });

		const all = await ctx.sim.messages();
		assertEqual(all.length, 4, 'messages accepted by the simulator (2 patients × 2 templates)');
		const byId = new Map(all.map((m) => [m.id, m]));

		// ---- NAMED: appointment_confirmation (en_US), parameters with parameter_name in template order.
		const named = nodeOutput(execution, 'Confirmation (named)');
		assertEqual(named.length, 2, 'items out of the named-template node');
		assertNoSecrets(named, 'named-template output');
		for (const [i, who] of [ana, bruno].entries()) {
			const item = named[i];
			const p = patients[i];
			assert(
				typeof item.messageId === 'string' && item.messageId.startsWith('wamid.'),
				`named item ${i} messageId: ${item.messageId}`,
			);
			assertEqual(item.waId, who, `named item ${i} waId`);
			assertEqual(item.recipient, `+${who}`, `named item ${i} recipient (E.164)`);
			assertEqual(item.templateName, 'appointment_confirmation', `named item ${i} templateName`);
			assertEqual(item.templateLanguage, 'en_US', `named item ${i} templateLanguage`);
			const sent = byId.get(item.messageId) as SimOutbound;
			assert(sent, `simulator has named message ${item.messageId}`);
			assertEqual(digits(sent.request.to), who, `named message ${i} to`);
			assertEqual(
				sent.request.template,
				{
					name: 'appointment_confirmation',
					language: { code: 'en_US' },
					components: [
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: p.firstName, parameter_name: 'first_name' },
								{ type: 'text', text: p.doctor, parameter_name: 'doctor_name' },
								{ type: 'text', text: p.date, parameter_name: 'appointment_date' },
								{ type: 'text', text: p.time, parameter_name: 'appointment_time' },
							],
						},
					],
				},
				`named template payload ${i}`,
			);
			assertEqual(
				sent.rendered?.body,
				`Hi ${p.firstName}, your appointment with ${p.doctor} is confirmed for ${p.date} at ${p.time}.`,
				`named template ${i} as the patient reads it`,
			);
		}

		// ---- POSITIONAL: appointment_reminder, language from the item, header + body in number order, payloads.
		const positional = nodeOutput(execution, 'Reminder (positional)');
		assertEqual(positional.length, 2, 'items out of the positional-template node');
		assertNoSecrets(positional, 'positional-template output');
		for (const [i, who] of [ana, bruno].entries()) {
			const item = positional[i];
			const p = patients[i];
			assert(
				typeof item.messageId === 'string' && item.messageId.startsWith('wamid.'),
				`positional item ${i} messageId`,
			);
			assertEqual(item.waId, who, `positional item ${i} waId`);
			assertEqual(item.templateName, 'appointment_reminder', `positional item ${i} templateName`);
			assertEqual(item.templateLanguage, p.language, `positional item ${i} templateLanguage`);
			assertEqual(item.bizOpaqueCallbackData, p.appointmentId, `positional item ${i} callback data`);
			const sent = byId.get(item.messageId) as SimOutbound;
			assert(sent, `simulator has positional message ${item.messageId}`);
			assertEqual(
				decodeCallbackData(sent.bizOpaqueCallbackData).userValue,
				p.appointmentId,
				`positional message ${i} biz_opaque_callback_data`,
			);
			assertEqual(
				sent.request.template,
				{
					name: 'appointment_reminder',
					language: { code: p.language },
					components: [
						{ type: 'header', parameters: [{ type: 'text', text: 'Sim Clinic' }] },
						{
							type: 'body',
							parameters: [
								{ type: 'text', text: p.firstName },
								{ type: 'text', text: p.date },
								{ type: 'text', text: p.time },
							],
						},
						{
							type: 'button',
							sub_type: 'quick_reply',
							index: '0',
							parameters: [{ type: 'payload', payload: `CONFIRM:${p.appointmentId}` }],
						},
						{
							type: 'button',
							sub_type: 'quick_reply',
							index: '2',
							parameters: [{ type: 'payload', payload: `RESCHEDULE:${p.appointmentId}` }],
						},
					],
				},
				`positional template payload ${i}`,
			);
		}
		assertEqual(
			byId.get(positional[1].messageId)?.rendered?.body,
			'Olá Bruno, lembramos da sua consulta em 13 Dec 2026 às 14:00. Confirme, cancele ou remarque abaixo.',
			'pt_BR reminder as the patient reads it',
		);
		ctx.log(`4 templates: named ×2 (parameter_name), positional ×2 (en_US + pt_BR, header/body/buttons)`);
	},
};

// ---------------------------------------------------------------------------------------------------------------
// (b) DOCUMENT header from an n8n binary

const DOCUMENT_PATH = 'e2e-send-template-document';
const PDF_NAME = 'hemogram-2026-11-20.pdf';

/** A small, well-formed one-page PDF. */
function tinyPdf(): Buffer {
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		'<< /Length 44 >>\nstream\nBT /F1 12 Tf 20 50 Td (Hemogram: OK) Tj ET\nendstream',
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let out = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((body, i) => {
		offsets.push(Buffer.byteLength(out));
		out += `${i + 1} 0 obj\n${body}\nendobj\n`;
	});
	const xref = Buffer.byteLength(out);
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

function documentWorkflow(): WorkflowJson {
	return {
		name: 'E2E send template with document header from binary',
		nodes: [
			webhookNode(DOCUMENT_PATH),
			{
				name: 'PDF to file',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				position: [220, 0],
				parameters: {
					operation: 'toBinary',
					sourceProperty: 'body.pdfBase64',
					binaryPropertyName: 'report',
					options: { fileName: PDF_NAME, mimeType: 'application/pdf' },
				},
			},
			{
				name: 'Results ready',
				type: T('whatsAppSendTemplate'),
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					recipient: "={{ $('Start').item.json.body.phone }}",
					template: {
						__rl: true,
						mode: 'list',
						value: 'lab_results_ready|en_US',
						cachedResultName: 'lab_results_ready (en_US) · UTILITY',
					},
					parameterSource: 'mapper',
					templateParameters: mapperValue({
						body_1: "={{ $('Start').item.json.body.firstName }}",
						body_2: "={{ $('Start').item.json.body.collected }}",
					}),
					options: { headerBinaryProperty: 'report' },
				},
				credentials: WHATSAPP,
			},
		],
		connections: chain('Start', 'PDF to file', 'Results ready'),
	};
}

export const sendTemplateDocumentScenario: Scenario = {
	name: 'send-template-document',
	description:
		'Send Template: PDF binary (Convert to File) as the DOCUMENT header of lab_results_ready → uploaded media ID in the header, media holds the PDF',
	requires: { nodes: ['whatsAppSendTemplate'], credentials: ['whatsAppClinicApi'] },
	async run(ctx) {
		await isolate(ctx);
		const wfId = await useWorkflow(ctx, documentWorkflow());
		const carla = brMobile();
		const pdf = tinyPdf();
		const { execution } = await runOnce(ctx, wfId, DOCUMENT_PATH, {
			phone: `+${carla}`,
			firstName: 'Carla',
			collected: 'November 20',
			pdfBase64: pdf.toString('base64'),
		});

		const binary = (execution.data?.resultData.runData['PDF to file']?.[0]?.data?.main?.[0]?.[0] as any)
			?.binary?.report;
		assertEqual(binary?.mimeType, 'application/pdf', 'Convert to File produced a PDF binary');

		const out = nodeOutput(execution, 'Results ready');
		assertEqual(out.length, 1, 'items out of Send Template');
		const item = out[0];
		assertNoSecrets(out, 'document-template output');
		assert(
			typeof item.messageId === 'string' && item.messageId.startsWith('wamid.'),
			`messageId: ${item.messageId}`,
		);
		assertEqual(item.waId, carla, 'waId');
		assertEqual(item.templateName, 'lab_results_ready', 'templateName');
		const mediaId = item.headerMediaId;
		assert(
			typeof mediaId === 'string' && mediaId.length > 0,
			`output carries the uploaded header media ID: ${JSON.stringify(item)}`,
		);

		const msgs = await ctx.sim.messages({ to: carla });
		assertEqual(msgs.length, 1, 'messages to the patient');
		const sent = msgs[0];
		assertEqual(sent.id, item.messageId, 'simulator message = output messageId');
		assertEqual(
			sent.request.template,
			{
				name: 'lab_results_ready',
				language: { code: 'en_US' },
				components: [
					{
						type: 'header',
						parameters: [{ type: 'document', document: { id: mediaId, filename: PDF_NAME } }],
					},
					{
						type: 'body',
						parameters: [
							{ type: 'text', text: 'Carla' },
							{ type: 'text', text: 'November 20' },
						],
					},
				],
			},
			'document-header template payload',
		);
		assertEqual(sent.rendered?.header?.type, 'document', 'rendered header type');
		assertEqual(sent.rendered?.header?.filename, PDF_NAME, 'rendered header file name');

		// The media exists on the number (Graph GET /{media-id}) and holds exactly our PDF.
		const info = await ctx.sim.graph('GET', `/${mediaId}`);
		assertEqual(info.status, 200, `GET /${mediaId}`);
		assertEqual(info.body.mime_type, 'application/pdf', 'media mime_type');
		assertEqual(info.body.file_size, pdf.length, 'media file_size');
		const download = await fetch(`${ctx.sim.url}/_sim/media/${encodeURIComponent(mediaId)}`);
		assertEqual(download.status, 200, 'media download');
		const bytes = Buffer.from(await download.arrayBuffer());
		assert(bytes.equals(pdf), `uploaded bytes equal the PDF (${bytes.length} vs ${pdf.length} bytes)`);
		ctx.log(`document header: media ${mediaId} (${pdf.length} bytes, ${PDF_NAME})`);
	},
};

// ---------------------------------------------------------------------------------------------------------------
// (c) List built from Appointment Slot Lookup

const LIST_PATH = 'e2e-send-slot-list';

/** Open every day 07:00-21:00 clinic time, 30-minute consultations, two doctors: always > 10 free slots in 7 days. */
const LIST_RULES = JSON.stringify({
	timeZone: 'America/Sao_Paulo',
	location: 'Sim Clinic',
	slotGranularityMinutes: 30,
	minimumNoticeMinutes: 60,
	bookingHorizonDays: 30,
	openingHours: Object.fromEntries(
		['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '07:00', end: '21:00' }]]),
	),
	services: [{ id: 'consultation', name: 'General consultation', durationMinutes: 30 }],
	practitioners: [
		{ id: 'dr-silva', name: 'Dr. Ana Silva', serviceIds: ['consultation'] },
		{ id: 'dr-costa', name: 'Dr. Bruno Costa', serviceIds: ['consultation'] },
	],
});

function listWorkflow(): WorkflowJson {
	return {
		name: 'E2E send slot list',
		nodes: [
			webhookNode(LIST_PATH),
			{
				name: 'Free slots',
				type: T('appointmentSlotLookup'),
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'findSlots',
					backend: 'builtin',
					rulesSource: 'json',
					rulesJson: LIST_RULES,
					serviceId: 'consultation',
					daysAhead: 7,
					// More than a list can hold: the node must cap the list at 10 rows.
					maxSlots: 25,
					output: 'whatsappList',
					listOptions: { body: 'Choose a time for your appointment:', button: 'See times' },
					locale: 'en',
				},
				credentials: STORE,
			},
			{
				name: 'Send slot list',
				type: T('whatsAppSendMessage'),
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					operation: 'list',
					recipient: "={{ $('Start').item.json.body.phone }}",
					listSource: 'object',
					listObject: '={{ $json.whatsappList }}',
					options: {},
				},
				credentials: WHATSAPP,
			},
		],
		connections: chain('Start', 'Free slots', 'Send slot list'),
	};
}

export const sendListScenario: Scenario = {
	name: 'send-list-from-slots',
	description:
		'Send Message list: Find Free Slots ("WhatsApp List", built-in rules) → list to a patient who just wrote → one list, ≤ 10 rows, row ids = slot ids',
	requires: {
		nodes: ['whatsAppSendMessage', 'appointmentSlotLookup'],
		credentials: ['whatsAppClinicApi', 'clinicStoreApi'],
	},
	async run(ctx) {
		await isolate(ctx);
		const wfId = await useWorkflow(ctx, listWorkflow());
		const dora = brMobile();
		const inbound = await ctx.sim.inbound({
			from: dora,
			name: 'Dora Lima',
			type: 'text',
			text: 'I would like to book',
		});
		assertEqual(inbound.delivery ?? null, null, 'inbound not delivered to any workflow (callback off)');
		const users = (await ctx.sim.control('GET', '/users')).data as Array<{
			waId: string;
			windowOpen: boolean;
		}>;
		assertEqual(
			users.find((u) => u.waId === dora)?.windowOpen,
			true,
			'24-hour window open after the inbound message',
		);

		const { execution } = await runOnce(ctx, wfId, LIST_PATH, { phone: `+${dora}` });
		const lookup = nodeOutput(execution, 'Free slots');
		assertEqual(lookup.length, 1, 'Find Free Slots in "WhatsApp List" mode outputs one item');
		const slotIds = (lookup[0].slots as Array<{ slotId: string }>).map((s) => s.slotId);
		assertEqual(lookup[0].slotCount, 10, 'slots shown (25 asked, capped at 10 rows)');
		assertEqual(slotIds.length, 10, 'slot ids in the lookup output');

		const out = nodeOutput(execution, 'Send slot list');
		assertEqual(out.length, 1, 'items out of Send Message');
		assertNoSecrets(out, 'list output');
		assertEqual(out[0].waId, dora, 'waId');
		assertEqual(out[0].type, 'interactive', 'output type');

		const msgs = await ctx.sim.messages({ to: dora });
		assertEqual(msgs.length, 1, 'messages to the patient');
		const sent = msgs[0];
		assertEqual(sent.id, out[0].messageId, 'simulator message = output messageId');
		assertEqual(sent.type, 'interactive', 'message type');
		const interactive = sent.request.interactive;
		assertEqual(interactive?.type, 'list', 'interactive type');
		assertEqual(interactive.body?.text, 'Choose a time for your appointment:', 'list body');
		assertEqual(interactive.action?.button, 'See times', 'list button');
		const sections = interactive.action.sections as Array<{
			title: string;
			rows: Array<{ id: string; title: string }>;
		}>;
		const rows = sections.flatMap((s) => s.rows);
		assert(rows.length <= 10, `≤ 10 rows (Meta's limit), got ${rows.length}`);
		assertEqual(
			rows.map((r) => r.id),
			slotIds,
			'row ids = the slot ids, in order',
		);
		assert(
			sections.every((s) => s.title && s.title.length <= 24 && s.rows.length > 0),
			'every section titled (≤ 24) and non-empty',
		);
		assert(
			rows.every((r) => r.title.length > 0 && r.title.length <= 24),
			'row titles 1–24 characters',
		);
		ctx.log(
			`list: ${sections.length} section(s), ${rows.length} rows, first "${rows[0].title}" (${rows[0].id})`,
		);
	},
};

// ---------------------------------------------------------------------------------------------------------------
// (d) 131047: free-form message outside the 24-hour window

const WINDOW_PATH = 'e2e-send-text-window';
const WINDOW_STOP_PATH = 'e2e-send-text-window-stop';
const DAY_MS = 24 * 60 * 60 * 1000;

function windowWorkflow(continueOnFail: boolean): WorkflowJson {
	const path = continueOnFail ? WINDOW_PATH : WINDOW_STOP_PATH;
	const send: WorkflowNode = {
		name: 'Send text',
		type: T('whatsAppSendMessage'),
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			operation: 'text',
			recipient: '={{ $json.phone }}',
			text: 'Your exam results are available.',
			options: {},
		},
		credentials: WHATSAPP,
	};
	if (continueOnFail) send.onError = 'continueRegularOutput';
	return {
		name: `E2E send text outside the window (${continueOnFail ? 'continue on fail' : 'stop'})`,
		nodes: [
			webhookNode(path),
			{
				name: 'Patients',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					mode: 'runOnceForAllItems',
					language: 'javaScript',
					jsCode: 'return $input.first().json.body.patients.map((p) => ({ json: p }));',
				},
			},
			send,
		],
		connections: chain('Start', 'Patients', 'Send text'),
	};
}

export const send131047Scenario: Scenario = {
	name: 'send-131047',
	description:
		'Send Message text outside the 24-hour window (never wrote / wrote 25 h ago) → execution fails "outside the 24-hour window … Send Template"; Continue On Fail → items carry 131047',
	requires: { nodes: ['whatsAppSendMessage'], credentials: ['whatsAppClinicApi'] },
	async run(ctx) {
		await isolate(ctx);
		// Meta answers 131047 in the send response or later in a "failed" status; the node explains the former.
		await ctx.sim.control('POST', '/config', { deliveryErrors: 'sync' });
		ctx.defer(async () => {
			await ctx.sim.control('POST', '/config', { deliveryErrors: 'webhook' });
		});
		const stopId = await useWorkflow(ctx, windowWorkflow(false));
		const cofId = await useWorkflow(ctx, windowWorkflow(true));

		const wroteLongAgo = brMobile();
		await ctx.sim.inbound({ from: wroteLongAgo, name: 'Edu Ramos', type: 'text', text: 'Thanks!' });
		await ctx.sim.advanceClock(DAY_MS + 60 * 60 * 1000);
		const neverWrote = brMobile();
		const wroteNow = brMobile();
		await ctx.sim.inbound({
			from: wroteNow,
			name: 'Fabi Nunes',
			type: 'text',
			text: 'Are my results ready?',
		});
		const users = (await ctx.sim.control('GET', '/users')).data as Array<{
			waId: string;
			windowOpen: boolean;
		}>;
		assertEqual(
			users.find((u) => u.waId === wroteLongAgo)?.windowOpen,
			false,
			'window closed 25 h after the last message',
		);
		assertEqual(
			users.find((u) => u.waId === wroteNow)?.windowOpen,
			true,
			'window open right after a message',
		);

		// 1) Continue On Fail off: the execution fails, naming the window and Send Template.
		const before = (await ctx.n8n.executions({ workflowId: stopId })).length;
		const r = await fetch(`${ctx.n8n.webhookBaseUrl}webhook/${WINDOW_STOP_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ patients: [{ phone: `+${neverWrote}` }] }),
		});
		assert(r.status >= 500, `webhook answers an error when the node fails (got ${r.status})`);
		const failed = (await ctx.n8n.waitForExecutions(stopId, before + 1)).slice(-1)[0];
		assertEqual(failed.status, 'error', 'execution status without Continue On Fail');
		assertEqual(failed.data?.resultData.lastNodeExecuted, 'Send text', 'failing node');
		const err = failed.data?.resultData.error as { message?: string; description?: string } | undefined;
		const errorText = `${err?.message ?? ''} ${err?.description ?? ''}`;
		ctx.log(`error: ${errorText.slice(0, 240)}`);
		assert(/131047/.test(errorText), `error names code 131047: "${errorText}"`);
		assert(
			/outside the 24-hour window/i.test(errorText),
			`error says "outside the 24-hour window": "${errorText}"`,
		);
		assert(/Send Template/.test(errorText), `error points to Send Template: "${errorText}"`);
		assertEqual(
			(await ctx.sim.messages({ to: neverWrote })).length,
			0,
			'nothing accepted for the patient who never wrote',
		);

		// 2) Continue On Fail on: one item per input, in order; the two outside the window carry 131047.
		const { execution } = await runOnce(ctx, cofId, WINDOW_PATH, {
			patients: [{ phone: `+${wroteNow}` }, { phone: `+${neverWrote}` }, { phone: `+${wroteLongAgo}` }],
		});
		const items = nodeOutput(execution, 'Send text');
		assertEqual(items.length, 3, 'items out of Send Message (one per input)');
		assertNoSecrets(items, 'continue-on-fail output');
		assertEqual(items[0].waId, wroteNow, 'item 0 (window open) was sent');
		assert(String(items[0].messageId).startsWith('wamid.'), 'item 0 has a messageId');
		for (const [i, who] of [
			[1, neverWrote],
			[2, wroteLongAgo],
		] as const) {
			const e = items[i].error as
				| { code?: number; title?: string; hint?: string; message?: string }
				| undefined;
			assertEqual(e?.code, 131047, `item ${i} error code`);
			assertEqual(items[i].recipient, `+${who}`, `item ${i} recipient (pairing kept)`);
			assert(
				/outside the 24-hour window/i.test(`${e?.title} ${e?.message}`),
				`item ${i} says outside the 24-hour window: ${JSON.stringify(e)}`,
			);
			assert(
				/Send Template/.test(String(e?.hint)),
				`item ${i} hint points to Send Template: ${JSON.stringify(e)}`,
			);
			assert(items[i].messageId === undefined, `item ${i} has no messageId`);
		}
		const pairing = execution.data?.resultData.runData['Send text']?.[0]?.data
			?.main?.[0] as unknown as Array<{ pairedItem?: { item: number } }>;
		assertEqual(
			pairing.map((p) => p.pairedItem?.item),
			[0, 1, 2],
			'pairedItem of the three output items',
		);
		assertEqual(
			(await ctx.sim.messages({ to: wroteNow })).length,
			1,
			'messages accepted for the patient inside the window',
		);
		assertEqual(
			(await ctx.sim.messages({ to: wroteLongAgo })).length,
			0,
			'messages accepted for the patient outside the window',
		);
	},
};

export const sendScenarios: Scenario[] = [
	sendTemplateParamsScenario,
	sendTemplateDocumentScenario,
	sendListScenario,
	send131047Scenario,
];
