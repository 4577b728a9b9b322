/**
 * The senders under test and the workflow each runs in (Webhook → Code (N patients) → sender): our WhatsApp Send
 * Template node (HTTP and TLS), n8n's built-in WhatsApp Business Cloud node (plain, with Retry On Fail, in Loop Over
 * Items + Wait) and HTTP Request with batching (HTTP and TLS); plus the n8n credentials they use.
 */
import type { N8nInstance, WorkflowJson } from '../../test/stack';
import {
	CREDENTIAL_BUILTIN,
	CREDENTIAL_HTTP,
	CREDENTIAL_TLS,
	HOST,
	MPS,
	PHONE_NUMBER_ID,
	TEMPLATE,
	TOKEN,
	UPGRADED_MPS,
	WABA_ID,
} from './scenario';

export interface Variant {
	key: string;
	label: string;
	/** Goes through https://graph.facebook.com (the local TLS terminator on 443 and /etc/hosts). */
	tls?: boolean;
	/** The number's cap in this run (the simulator is set to it; our node's Messages per Second, HTTP Request's batch). */
	mps: number;
	sender: Record<string, unknown>;
	/**
	 * Hand-tuned pacing the way n8n users do it: Loop Over Items (this many per batch) → sender → Wait
	 * (loopWaitMs) → back to the loop.
	 */
	loopBatch?: number;
	loopWaitMs?: number;
}

export function workflow(variant: Variant, items: number): WorkflowJson {
	const code = `return Array.from({ length: ${items} }, (_, i) => ({ json: { phone: '+55119' + String(30000000 + i) } }));`;
	return {
		name: `bench ${variant.key}`,
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `bench-${variant.key}-0000-0000-000000000000`.slice(0, 36),
				parameters: {
					httpMethod: 'POST',
					path: `bench-${variant.key}`,
					responseMode: 'lastNode',
					responseData: 'noData',
				},
			},
			{
				name: 'Patients',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: code },
			},
			{
				name: 'Send',
				position: [440, 0],
				onError: 'continueRegularOutput',
				...variant.sender,
			} as unknown as WorkflowJson['nodes'][number],
			...(variant.loopBatch
				? [
						{
							name: 'Loop',
							type: 'n8n-nodes-base.splitInBatches',
							typeVersion: 3,
							position: [330, 200],
							parameters: { batchSize: variant.loopBatch, options: {} },
						},
						{
							name: 'Pause',
							type: 'n8n-nodes-base.wait',
							typeVersion: 1.1,
							position: [660, 200],
							webhookId: `bench-${variant.key}-wait-0000-000000000000`.slice(0, 36),
							parameters: { amount: (variant.loopWaitMs ?? 1000) / 1000 },
						},
					]
				: []),
		] as WorkflowJson['nodes'],
		connections: variant.loopBatch
			? {
					Start: { main: [[{ node: 'Patients', type: 'main', index: 0 }]] },
					Patients: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
					// splitInBatches v3: output 0 = done, output 1 = the next batch.
					Loop: { main: [[], [{ node: 'Send', type: 'main', index: 0 }]] },
					Send: { main: [[{ node: 'Pause', type: 'main', index: 0 }]] },
					Pause: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
				}
			: {
					Start: { main: [[{ node: 'Patients', type: 'main', index: 0 }]] },
					Patients: { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
				},
	};
}

const body = TEMPLATE.body.map((text) => ({ type: 'text', text }));

function ours(key: string, label: string, credential: string, mps: number): Variant {
	return {
		key,
		label,
		mps,
		tls: credential === CREDENTIAL_TLS,
		sender: {
			type: 'n8n-nodes-whatsapp-clinic.whatsAppSendTemplate',
			typeVersion: 1,
			parameters: {
				recipient: '={{ $json.phone }}',
				template: { __rl: true, mode: 'name', value: `${TEMPLATE.name}|${TEMPLATE.language}` },
				parameterSource: 'json',
				parametersJson: JSON.stringify({ body_1: TEMPLATE.body[0], body_2: TEMPLATE.body[1] }),
				options: { messagesPerSecond: mps },
			},
			credentials: { whatsAppClinicApi: { name: credential } },
		},
	};
}

/** HTTP Request tuned to the cap the way its docs suggest: batches of `mps` items, one batch per 1,000 ms. */
function httpRequest(key: string, label: string, base: string, mps: number): Variant {
	return {
		key,
		label,
		mps,
		tls: base.startsWith('https:'),
		sender: {
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `${base}/v23.0/${PHONE_NUMBER_ID}/messages`,
				sendHeaders: true,
				headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }] },
				sendBody: true,
				specifyBody: 'json',
				jsonBody: `={{ JSON.stringify({ messaging_product: 'whatsapp', to: $json.phone, type: 'template', template: { name: '${TEMPLATE.name}', language: { code: '${TEMPLATE.language}' }, components: [{ type: 'body', parameters: ${JSON.stringify(body).replace(/"/g, "'")} }] } }) }}`,
				options: { batching: { batch: { batchSize: mps, batchInterval: 1000 } } },
			},
		},
	};
}

const builtinSender = {
	type: 'n8n-nodes-base.whatsApp',
	typeVersion: 1.1,
	parameters: {
		resource: 'message',
		operation: 'sendTemplate',
		phoneNumberId: PHONE_NUMBER_ID,
		recipientPhoneNumber: '={{ $json.phone }}',
		template: `${TEMPLATE.name}|${TEMPLATE.language}`,
		components: { component: [{ type: 'body', bodyParameters: { parameter: body } }] },
	},
	credentials: { whatsAppApi: { name: CREDENTIAL_BUILTIN } },
};

/** The senders at a standard number's cap (80 msg/s). */
export function variants(simHttpUrl: string): Variant[] {
	return [
		ours('ours', 'WhatsApp Send Template (this package), HTTP', CREDENTIAL_HTTP, MPS),
		ours('ours-tls', 'WhatsApp Send Template (this package), TLS', CREDENTIAL_TLS, MPS),
		{
			key: 'builtin',
			label: 'n8n WhatsApp Business Cloud (built-in), TLS',
			mps: MPS,
			tls: true,
			sender: builtinSender,
		},
		{
			// What a user tries next: n8n's Retry On Fail. Without Continue On Fail the node fails on the first
			// 130429, and a retry re-sends EVERY item, including the ones WhatsApp already accepted.
			key: 'builtin-retry',
			label: 'built-in + Retry On Fail (3 tries, 1 s), TLS',
			mps: MPS,
			tls: true,
			sender: {
				...builtinSender,
				onError: 'stopWorkflow',
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 1000,
			},
		},
		{
			// The hand-tuned throttle from n8n's forum: Loop Over Items (80) → node → Wait 1 s.
			key: 'builtin-loop',
			label: `built-in in Loop Over Items (${MPS}) + Wait 1 s, TLS`,
			mps: MPS,
			tls: true,
			sender: builtinSender,
			loopBatch: MPS,
			loopWaitMs: 1000,
		},
		httpRequest('http', `HTTP Request, batching ${MPS} per 1,000 ms, HTTP`, simHttpUrl, MPS),
		httpRequest('http-tls', `HTTP Request, batching ${MPS} per 1,000 ms, TLS`, `https://${HOST}`, MPS),
	];
}

/**
 * The senders at an upgraded number's cap (UPGRADED_MPS, 1,000 msg/s): ours and HTTP Request over plain HTTP, the
 * built-in node over TLS (it hard-codes graph.facebook.com). At this cap n8n's CPU per message, not the cap, bounds
 * every sender on this machine.
 */
export function upgradedVariants(simHttpUrl: string): Variant[] {
	const n = UPGRADED_MPS.toLocaleString('en-US');
	return [
		ours(
			'ours-1000',
			`WhatsApp Send Template (this package), ${n} msg/s, HTTP`,
			CREDENTIAL_HTTP,
			UPGRADED_MPS,
		),
		httpRequest('http-1000', `HTTP Request, batching ${n} per 1,000 ms, HTTP`, simHttpUrl, UPGRADED_MPS),
		{
			key: 'builtin-1000',
			label: `n8n WhatsApp Business Cloud (built-in), ${n} msg/s cap, TLS`,
			mps: UPGRADED_MPS,
			tls: true,
			sender: builtinSender,
		},
	];
}

/**
 * WAC_SEND_VARIANTS=ours,ours-1000 runs only those senders (for profiling or a quick look; a full run measures all,
 * which is what bench/RESULTS.md reports).
 */
export function selectVariants(list: Variant[], filter = process.env.WAC_SEND_VARIANTS): Variant[] {
	if (!filter?.trim()) return list;
	const keys = new Set(filter.split(',').map((k) => k.trim()));
	return list.filter((v) => keys.has(v.key));
}

/** The n8n credentials the senders name: ours over HTTP (the simulator) and over TLS (graph.facebook.com), the built-in's. */
export async function createSenderCredentials(n8n: N8nInstance, simHttpUrl: string): Promise<void> {
	for (const [name, baseUrl] of [
		[CREDENTIAL_HTTP, simHttpUrl],
		[CREDENTIAL_TLS, `https://${HOST}`],
	])
		await n8n.createCredential({
			name,
			type: 'whatsAppClinicApi',
			data: {
				accessToken: TOKEN,
				phoneNumberId: PHONE_NUMBER_ID,
				businessAccountId: WABA_ID,
				appSecret: 'sim-secret',
				webhookVerifyToken: 'sim-verify-token',
				graphApiVersion: 'v23.0',
				baseUrl,
			},
		});
	await n8n.createCredential({
		name: CREDENTIAL_BUILTIN,
		type: 'whatsAppApi',
		data: { accessToken: TOKEN, businessAccountId: WABA_ID },
	});
}
