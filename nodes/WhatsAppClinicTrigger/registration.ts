/**
 * `webhookMethods.default`: in "Manual" mode nothing is registered (the user pastes the URL into Meta); in
 * "Per-Number Override" mode each selected phone number's `webhook_configuration.override_callback_uri` points to
 * this node's URL while the workflow is active. Meta errors surface as NodeApiError.
 */
import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

import { parsePhoneNumberFilter } from '../../core/webhook/filter';
import { toNodeError } from '../shared/errors';
import { getWebhookSecrets, getWhatsAppContext } from '../shared/transport';

type Mode = 'manual' | 'perNumberOverride';

function mode(context: IHookFunctions): Mode {
	return context.getNodeParameter('webhookRegistration', 'manual') === 'perNumberOverride'
		? 'perNumberOverride'
		: 'manual';
}

function callbackUrl(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url)
		throw new NodeOperationError(context.getNode(), 'n8n did not provide a webhook URL for this node');
	return url;
}

async function overrideTargets(context: IHookFunctions) {
	const whatsapp = await getWhatsAppContext.call(context);
	const filter = parsePhoneNumberFilter(
		String(context.getNodeParameter('phoneNumberIds', '') ?? ''),
		whatsapp.phoneNumberId,
	);
	if (filter.kind === 'all') {
		throw new NodeOperationError(context.getNode(), 'Per-number override needs explicit phone number IDs', {
			description:
				'"Phone Number IDs" is * (or empty with no Phone Number ID in the credential). List the phone number IDs to override, or use Webhook Registration "Manual".',
		});
	}
	return { client: whatsapp.client, phoneNumberIds: [...filter.ids] };
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	if (mode(this) === 'manual') return true;
	const url = callbackUrl(this);
	const { client, phoneNumberIds } = await overrideTargets(this);
	try {
		for (const id of phoneNumberIds) {
			const info = await client.getPhoneNumber(id, ['webhook_configuration']);
			if (info.webhook_configuration?.phone_number !== url) return false;
		}
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
	return true;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	if (mode(this) === 'manual') return true;
	const url = callbackUrl(this);
	const { verifyToken } = await getWebhookSecrets.call(this);
	if (!verifyToken) {
		throw new NodeOperationError(this.getNode(), 'The credential has no Webhook Verify Token', {
			description:
				'Meta needs a verify token to accept the override. Set "Webhook Verify Token" in the WhatsApp credential.',
		});
	}
	const { client, phoneNumberIds } = await overrideTargets(this);
	for (const id of phoneNumberIds) {
		let ok: boolean;
		try {
			ok = await client.setWebhookOverride(id, url, verifyToken);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
		if (!ok) {
			throw new NodeOperationError(
				this.getNode(),
				`Meta did not confirm the webhook override for phone number ID ${id}`,
				{
					description:
						'Check that the access token has whatsapp_business_management permission for this number.',
				},
			);
		}
	}
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	if (mode(this) === 'manual') return true;
	const url = callbackUrl(this);
	const { client, phoneNumberIds } = await overrideTargets(this);
	for (const id of phoneNumberIds) {
		try {
			const info = await client.getPhoneNumber(id, ['webhook_configuration']);
			// Only remove our own override; another workflow may have taken the number over since.
			if (info.webhook_configuration?.phone_number === url) await client.clearWebhookOverride(id);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
	return true;
}
