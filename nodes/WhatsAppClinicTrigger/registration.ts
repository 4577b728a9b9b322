/**
 * `webhookMethods.default`: in "Manual" mode nothing is registered (the user pastes the URL into Meta); in
 * "Per-Number Override" mode each selected phone number's `webhook_configuration.override_callback_uri` points to
 * this node's URL while the workflow is active. Every error leaves through nodes/shared/errors.ts: Meta errors as
 * NodeApiError, setup problems as NodeOperationError naming the field and the fix.
 */
import type { IHookFunctions } from 'n8n-workflow';

import { ClinicError } from '../../core/errors';
import { parsePhoneNumberFilter } from '../../core/webhook/filter';
import { toNodeError } from '../shared/errors';
import { getWebhookSecrets, getWhatsAppContext } from '../shared/transport';

type Mode = 'manual' | 'perNumberOverride';

function mode(context: IHookFunctions): Mode {
	return context.getNodeParameter('webhookRegistration', 'manual') === 'perNumberOverride'
		? 'perNumberOverride'
		: 'manual';
}

function configError(context: IHookFunctions, message: string, field: string, hint: string) {
	return toNodeError(context.getNode(), new ClinicError(message, { field, hint, kind: 'config' }));
}

function callbackUrl(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url)
		throw configError(
			context,
			'n8n did not provide a webhook URL for this node',
			'Webhook URLs',
			'Save the workflow and publish it again; n8n assigns the Production URL when the workflow is saved.',
		);
	return url;
}

async function overrideTargets(context: IHookFunctions) {
	const whatsapp = await getWhatsAppContext.call(context);
	const filter = parsePhoneNumberFilter(
		String(context.getNodeParameter('phoneNumberIds', '') ?? ''),
		whatsapp.phoneNumberId,
	);
	if (filter.kind === 'all') {
		throw configError(
			context,
			'Per-number override needs explicit phone number IDs',
			'Phone Number IDs',
			'"Phone Number IDs" is * (or empty with no Phone Number ID in the credential). List the phone number IDs to override, or use Webhook Registration "Manual".',
		);
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
		throw configError(
			this,
			'The credential has no Webhook Verify Token',
			'Webhook Verify Token',
			'Meta needs a verify token to accept the override. Set "Webhook Verify Token" in the WhatsApp credential.',
		);
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
			throw configError(
				this,
				`Meta did not confirm the webhook override for phone number ID ${id}`,
				'Access Token',
				'Check that the access token has whatsapp_business_management permission for this number.',
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
