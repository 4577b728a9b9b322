/**
 * Seeded message-template catalogue in Meta's template JSON shape (as returned by
 * GET /{waba-id}/message_templates). Exported for tests of the simulator and of the Send nodes.
 */

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type TemplateCategory = 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
export type ParameterFormat = 'POSITIONAL' | 'NAMED';
export type TemplateLanguage = 'en_US' | 'pt_BR' | 'es';
export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';

export interface TemplateButton {
	type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE';
	text: string;
	url?: string;
	phone_number?: string;
	example?: string[] | string;
}

export interface TemplateComponent {
	type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
	format?: HeaderFormat;
	text?: string;
	buttons?: TemplateButton[];
	example?: {
		header_text?: string[];
		header_text_named_params?: Array<{ param_name: string; example: string }>;
		header_handle?: string[];
		body_text?: string[][];
		body_text_named_params?: Array<{ param_name: string; example: string }>;
	};
}

export interface MessageTemplate {
	id: string;
	name: string;
	language: TemplateLanguage;
	status: TemplateStatus;
	category: TemplateCategory;
	parameter_format: ParameterFormat;
	components: TemplateComponent[];
	rejected_reason?: string;
}

interface Translation {
	header?: string;
	body: string;
	footer?: string;
	buttons?: string[];
}

interface TemplateSpec {
	name: string;
	category: TemplateCategory;
	status?: TemplateStatus;
	parameterFormat?: ParameterFormat;
	headerFormat?: Exclude<HeaderFormat, 'TEXT'>;
	headerExample?: string[];
	bodyExample: string[];
	/** Button kinds in order; text comes from the translation. */
	buttons?: Array<Omit<TemplateButton, 'text'>>;
	languages: TemplateLanguage[];
	translations: Partial<Record<TemplateLanguage, Translation>>;
}

const LANGUAGES: TemplateLanguage[] = ['en_US', 'pt_BR', 'es'];
const SAMPLE_PDF_HANDLE = '4::YXBwbGljYXRpb24vcGRm:ARb-sample-lab-report-handle';

const SPECS: TemplateSpec[] = [
	{
		name: 'appointment_reminder',
		category: 'UTILITY',
		headerExample: ['Sim Clinic'],
		bodyExample: ['Maria', 'March 12', '09:30'],
		buttons: [{ type: 'QUICK_REPLY' }, { type: 'QUICK_REPLY' }, { type: 'QUICK_REPLY' }],
		languages: LANGUAGES,
		translations: {
			en_US: {
				header: 'Appointment at {{1}}',
				body: 'Hello {{1}}, this is a reminder of your appointment on {{2}} at {{3}}. Please confirm, cancel or reschedule below.',
				footer: 'Reply STOP to stop reminders',
				buttons: ['Confirm', 'Cancel', 'Reschedule'],
			},
			pt_BR: {
				header: 'Consulta na {{1}}',
				body: 'Olá {{1}}, lembramos da sua consulta em {{2}} às {{3}}. Confirme, cancele ou remarque abaixo.',
				footer: 'Responda PARAR para não receber lembretes',
				buttons: ['Confirmar', 'Cancelar', 'Remarcar'],
			},
			es: {
				header: 'Cita en {{1}}',
				body: 'Hola {{1}}, le recordamos su cita el {{2}} a las {{3}}. Confirme, cancele o reprograme abajo.',
				footer: 'Responda BAJA para no recibir recordatorios',
				buttons: ['Confirmar', 'Cancelar', 'Reprogramar'],
			},
		},
	},
	{
		name: 'appointment_confirmation',
		category: 'UTILITY',
		parameterFormat: 'NAMED',
		bodyExample: [
			'first_name=Maria',
			'doctor_name=Dr. Silva',
			'appointment_date=March 12',
			'appointment_time=09:30',
		],
		buttons: [{ type: 'PHONE_NUMBER', phone_number: '+15550100001' }],
		languages: LANGUAGES,
		translations: {
			en_US: {
				body: 'Hi {{first_name}}, your appointment with {{doctor_name}} is confirmed for {{appointment_date}} at {{appointment_time}}.',
				footer: 'Sim Clinic',
				buttons: ['Call the clinic'],
			},
			pt_BR: {
				body: 'Oi {{first_name}}, sua consulta com {{doctor_name}} está confirmada para {{appointment_date}} às {{appointment_time}}.',
				footer: 'Sim Clinic',
				buttons: ['Ligar para a clínica'],
			},
			es: {
				body: 'Hola {{first_name}}, su cita con {{doctor_name}} está confirmada para el {{appointment_date}} a las {{appointment_time}}.',
				footer: 'Sim Clinic',
				buttons: ['Llamar a la clínica'],
			},
		},
	},
	{
		name: 'lab_results_ready',
		category: 'UTILITY',
		headerFormat: 'DOCUMENT',
		headerExample: [SAMPLE_PDF_HANDLE],
		bodyExample: ['Maria', 'March 10'],
		languages: LANGUAGES,
		translations: {
			en_US: {
				body: 'Hello {{1}}, your lab results from {{2}} are ready. The report is attached to this message.',
				footer: 'Questions? Reply to talk to our team',
			},
			pt_BR: {
				body: 'Olá {{1}}, os resultados dos seus exames de {{2}} estão prontos. O laudo está anexado a esta mensagem.',
				footer: 'Dúvidas? Responda para falar com a equipe',
			},
			es: {
				body: 'Hola {{1}}, los resultados de sus análisis del {{2}} están listos. El informe está adjunto a este mensaje.',
				footer: '¿Preguntas? Responda para hablar con el equipo',
			},
		},
	},
	{
		name: 'post_visit_follow_up',
		category: 'UTILITY',
		bodyExample: ['Maria', 'Dr. Silva'],
		buttons: [{ type: 'QUICK_REPLY' }, { type: 'QUICK_REPLY' }],
		languages: LANGUAGES,
		translations: {
			en_US: {
				body: 'Hello {{1}}, thank you for your visit with {{2}}. How are you feeling today?',
				buttons: ['Feeling better', 'I need help'],
			},
			pt_BR: {
				body: 'Olá {{1}}, obrigado pela sua consulta com {{2}}. Como você está se sentindo hoje?',
				buttons: ['Estou melhor', 'Preciso de ajuda'],
			},
			es: {
				body: 'Hola {{1}}, gracias por su visita con {{2}}. ¿Cómo se siente hoy?',
				buttons: ['Me siento mejor', 'Necesito ayuda'],
			},
		},
	},
	{
		name: 'satisfaction_survey',
		category: 'MARKETING',
		bodyExample: ['Maria', 'March 12'],
		buttons: [{ type: 'QUICK_REPLY' }, { type: 'QUICK_REPLY' }, { type: 'QUICK_REPLY' }],
		languages: LANGUAGES,
		translations: {
			en_US: { body: 'Hello {{1}}, how would you rate your visit on {{2}}?', buttons: ['Good', 'OK', 'Bad'] },
			pt_BR: {
				body: 'Olá {{1}}, como você avalia sua consulta de {{2}}?',
				buttons: ['Boa', 'Regular', 'Ruim'],
			},
			es: {
				body: 'Hola {{1}}, ¿cómo calificaría su visita del {{2}}?',
				buttons: ['Buena', 'Regular', 'Mala'],
			},
		},
	},
	{
		// Money and a due date: sent as Meta's typed currency / date_time parameters.
		name: 'payment_reminder',
		category: 'UTILITY',
		bodyExample: ['Maria', 'R$ 150,00', '12/03/2026'],
		languages: LANGUAGES,
		translations: {
			en_US: {
				body: 'Hello {{1}}, the payment of {{2}} for your visit is due on {{3}}. You can pay at reception or reply to this message.',
				footer: 'Sim Clinic',
			},
			pt_BR: {
				body: 'Olá {{1}}, o pagamento de {{2}} da sua consulta vence em {{3}}. Você pode pagar na recepção ou responder esta mensagem.',
				footer: 'Sim Clinic',
			},
			es: {
				body: 'Hola {{1}}, el pago de {{2}} de su consulta vence el {{3}}. Puede pagar en recepción o responder a este mensaje.',
				footer: 'Sim Clinic',
			},
		},
	},
	{
		name: 'telemedicine_link',
		category: 'UTILITY',
		bodyExample: ['Maria', 'Dr. Silva', '14:00'],
		buttons: [
			{
				type: 'URL',
				url: 'https://meet.clinic.example/join/{{1}}',
				example: ['https://meet.clinic.example/join/abc123'],
			},
		],
		languages: LANGUAGES,
		translations: {
			en_US: {
				body: 'Hello {{1}}, your video consultation with {{2}} starts at {{3}}. Join with the button below.',
				buttons: ['Join consultation'],
			},
			pt_BR: {
				body: 'Olá {{1}}, sua teleconsulta com {{2}} começa às {{3}}. Entre pelo botão abaixo.',
				buttons: ['Entrar na consulta'],
			},
			es: {
				body: 'Hola {{1}}, su teleconsulta con {{2}} empieza a las {{3}}. Entre con el botón de abajo.',
				buttons: ['Entrar a la consulta'],
			},
		},
	},
	{
		name: 'care_team_group_invite',
		category: 'UTILITY',
		bodyExample: ['https://chat.whatsapp.com/AbCdEfGhIjK'],
		languages: LANGUAGES,
		translations: {
			en_US: { body: 'You are invited to your care team group at the clinic. Tap to join: {{1}}' },
			pt_BR: {
				body: 'Você foi convidado para o grupo da sua equipe de cuidado na clínica. Toque para entrar: {{1}}',
			},
			es: { body: 'Está invitado al grupo de su equipo de atención en la clínica. Toque para unirse: {{1}}' },
		},
	},
	{
		name: 'opt_in_request',
		category: 'UTILITY',
		parameterFormat: 'NAMED',
		bodyExample: ['first_name=Maria', 'clinic_name=Sim Clinic'],
		buttons: [{ type: 'QUICK_REPLY' }, { type: 'QUICK_REPLY' }],
		languages: LANGUAGES,
		translations: {
			en_US: {
				body: 'Hello {{first_name}}, {{clinic_name}} would like to send you appointment reminders and results notices on WhatsApp. Do you agree?',
				buttons: ['Yes, I agree', 'No, thanks'],
			},
			pt_BR: {
				body: 'Olá {{first_name}}, a {{clinic_name}} gostaria de enviar lembretes de consultas e avisos de resultados pelo WhatsApp. Você concorda?',
				buttons: ['Sim, concordo', 'Não, obrigado'],
			},
			es: {
				body: 'Hola {{first_name}}, {{clinic_name}} desea enviarle recordatorios de citas y avisos de resultados por WhatsApp. ¿Está de acuerdo?',
				buttons: ['Sí, acepto', 'No, gracias'],
			},
		},
	},
	{
		name: 'check_in_code',
		category: 'UTILITY',
		bodyExample: ['March 12'],
		buttons: [{ type: 'COPY_CODE', example: 'A1B2C3' }],
		languages: LANGUAGES,
		translations: {
			en_US: {
				body: 'Your check-in code for your visit on {{1}} is below. Show it at reception.',
				buttons: ['Copy code'],
			},
			pt_BR: {
				body: 'Seu código de check-in para a consulta de {{1}} está abaixo. Mostre na recepção.',
				buttons: ['Copiar código'],
			},
			es: {
				body: 'Su código de registro para la visita del {{1}} está abajo. Muéstrelo en recepción.',
				buttons: ['Copiar código'],
			},
		},
	},
	{
		name: 'flu_vaccine_campaign',
		category: 'MARKETING',
		status: 'PAUSED',
		bodyExample: ['Maria'],
		languages: LANGUAGES,
		translations: {
			en_US: { body: 'Hello {{1}}, flu vaccines are now available at our clinic. Book your shot today!' },
			pt_BR: { body: 'Olá {{1}}, a vacina da gripe já está disponível na clínica. Agende hoje!' },
			es: { body: 'Hola {{1}}, la vacuna de la gripe ya está disponible en la clínica. ¡Reserve hoy!' },
		},
	},
	{
		name: 'discount_offer',
		category: 'MARKETING',
		status: 'REJECTED',
		bodyExample: ['Maria'],
		languages: ['en_US'],
		translations: { en_US: { body: 'Hello {{1}}, get 50% off your next check-up!!! Limited offer!!!' } },
	},
	{
		// Waitlist backfill (workflow 08): a freed time offered to waiting patients; the button payload carries the
		// offer ID (WAITLIST_CLAIM:<id>). Brazilian Portuguese first.
		name: 'waitlist_offer',
		category: 'UTILITY',
		bodyExample: ['Maria', 'seg., 7 jan · 09:00', 'Dra. Ana Souza', '30'],
		buttons: [{ type: 'QUICK_REPLY' }],
		languages: ['pt_BR', 'en_US', 'es'],
		translations: {
			pt_BR: {
				body: 'Olá {{1}}, abriu um horário: {{2}} com {{3}}. Se quiser, toque em "Quero este horário" nos próximos {{4}} minutos: quem confirmar primeiro fica com a vaga.',
				footer: 'Você está na lista de espera da clínica',
				buttons: ['Quero este horário'],
			},
			en_US: {
				body: 'Hello {{1}}, a time has opened up: {{2}} with {{3}}. If you want it, tap "Take this time" within {{4}} minutes: the first to confirm gets it.',
				footer: 'You are on the clinic waitlist',
				buttons: ['Take this time'],
			},
			es: {
				body: 'Hola {{1}}, se liberó un horario: {{2}} con {{3}}. Si lo quiere, toque "Quiero este horario" en los próximos {{4}} minutos: quien confirme primero se queda con él.',
				footer: 'Usted está en la lista de espera de la clínica',
				buttons: ['Quiero este horario'],
			},
		},
	},
];

function namedExample(pairs: string[]): Array<{ param_name: string; example: string }> {
	return pairs.map((p) => {
		const [name, ...rest] = p.split('=');
		return { param_name: name, example: rest.join('=') };
	});
}

function build(spec: TemplateSpec, lang: TemplateLanguage, id: string): MessageTemplate {
	const t = spec.translations[lang];
	if (!t) throw new Error(`template ${spec.name} has no ${lang} translation`);
	const format = spec.parameterFormat ?? 'POSITIONAL';
	const components: TemplateComponent[] = [];
	if (spec.headerFormat) {
		components.push({
			type: 'HEADER',
			format: spec.headerFormat,
			example: { header_handle: spec.headerExample ?? [] },
		});
	} else if (t.header) {
		components.push({
			type: 'HEADER',
			format: 'TEXT',
			text: t.header,
			...(t.header.includes('{{') ? { example: { header_text: spec.headerExample ?? [] } } : {}),
		});
	}
	const body: TemplateComponent = { type: 'BODY', text: t.body };
	if (t.body.includes('{{')) {
		body.example =
			format === 'NAMED'
				? { body_text_named_params: namedExample(spec.bodyExample) }
				: { body_text: [spec.bodyExample] };
	}
	components.push(body);
	if (t.footer) components.push({ type: 'FOOTER', text: t.footer });
	if (spec.buttons?.length) {
		components.push({
			type: 'BUTTONS',
			buttons: spec.buttons.map((b, i) => ({ ...b, text: t.buttons?.[i] ?? `Button ${i + 1}` })),
		});
	}
	return {
		id,
		name: spec.name,
		language: lang,
		status: spec.status ?? 'APPROVED',
		category: spec.category,
		parameter_format: format,
		components,
		...(spec.status === 'REJECTED' ? { rejected_reason: 'PROMOTIONAL' } : {}),
	};
}

function buildCatalogue(): MessageTemplate[] {
	const list: MessageTemplate[] = [];
	let n = 0;
	for (const spec of SPECS) {
		for (const lang of spec.languages) {
			n++;
			list.push(build(spec, lang, String(3000000000000000 + n * 1000 + 17)));
		}
	}
	return list;
}

/** The seeded catalogue (frozen deep copy per call is not needed: treat as read-only). */
export const TEMPLATES: readonly MessageTemplate[] = Object.freeze(buildCatalogue());

export function findTemplate(
	name: string,
	language: string,
	catalogue: readonly MessageTemplate[] = TEMPLATES,
): MessageTemplate | undefined {
	return catalogue.find((t) => t.name === name && t.language === language);
}

/** Placeholders in a template text, in order of appearance: '1', '2' or 'first_name', … */
export function placeholders(text: string | undefined): string[] {
	if (!text) return [];
	return [...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]);
}

/** Replaces placeholders with values (positional '1'.. or named keys). Unknown placeholders are kept. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
	return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (all, key: string) => values[key] ?? all);
}

/**
 * `template.components` for a send request built from the template's own examples (header text, body values,
 * dynamic URL suffix, copy code; a sample PDF/image/video link for media headers). Handy for tests and benchmarks.
 */
export function exampleSendComponents(template: MessageTemplate): Array<Record<string, unknown>> {
	const named = template.parameter_format === 'NAMED';
	const out: Array<Record<string, unknown>> = [];
	const header = template.components.find((c) => c.type === 'HEADER');
	if (header?.format && header.format !== 'TEXT' && header.format !== 'LOCATION') {
		const kind = header.format.toLowerCase();
		const ext = { image: 'png', video: 'mp4', document: 'pdf' }[kind] ?? 'bin';
		const media: Record<string, string> = { link: `https://clinic.example/sample.${ext}` };
		if (kind === 'document') media.filename = 'sample.pdf';
		out.push({ type: 'header', parameters: [{ type: kind, [kind]: media }] });
	} else if (header?.text && placeholders(header.text).length) {
		const namedEx = header.example?.header_text_named_params;
		const params =
			named && namedEx
				? namedEx.map((p) => ({ type: 'text', parameter_name: p.param_name, text: p.example }))
				: (header.example?.header_text ?? []).map((t) => ({ type: 'text', text: t }));
		out.push({ type: 'header', parameters: params });
	}
	const body = template.components.find((c) => c.type === 'BODY');
	if (body?.example) {
		const params = named
			? (body.example.body_text_named_params ?? []).map((p) => ({
					type: 'text',
					parameter_name: p.param_name,
					text: p.example,
				}))
			: (body.example.body_text?.[0] ?? []).map((t) => ({ type: 'text', text: t }));
		out.push({ type: 'body', parameters: params });
	}
	const buttons = template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
	buttons.forEach((b, index) => {
		if (b.type === 'URL' && b.url && placeholders(b.url).length) {
			const example = Array.isArray(b.example) ? b.example[0] : b.example;
			const prefix = b.url.slice(0, b.url.indexOf('{{'));
			const suffix = example?.startsWith(prefix) ? example.slice(prefix.length) : 'example';
			out.push({
				type: 'button',
				sub_type: 'url',
				index: String(index),
				parameters: [{ type: 'text', text: suffix }],
			});
		} else if (b.type === 'COPY_CODE') {
			const code = Array.isArray(b.example) ? b.example[0] : (b.example ?? 'CODE1');
			out.push({
				type: 'button',
				sub_type: 'copy_code',
				index: String(index),
				parameters: [{ type: 'coupon_code', coupon_code: code }],
			});
		}
	});
	return out;
}
