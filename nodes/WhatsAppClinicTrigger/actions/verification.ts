/**
 * The `setup` webhook (GET): Meta's verification handshake. Answers `hub.challenge` for the right verify token
 * (core/webhook/challenge.ts), else 403; a credential that cannot be read gives 500.
 */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerChallenge } from '../../../core/webhook/challenge';
import { CREDENTIAL_UNAVAILABLE } from '../../../core/webhook/pipeline';
import { getWebhookSecrets } from '../../shared/transport';
import { reply, triggerLog } from './reply';

export async function handleVerification(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const log = triggerLog(this);
	let verifyToken = '';
	try {
		verifyToken = (await getWebhookSecrets.call(this)).verifyToken;
	} catch (error) {
		log.error(`cannot read the credential (${(error as Error).message})`);
		return reply(this, CREDENTIAL_UNAVAILABLE.status, CREDENTIAL_UNAVAILABLE.body);
	}
	const answer = answerChallenge(this.getQueryData() as Record<string, unknown>, verifyToken);
	if (answer.status !== 200) {
		log.warn(`webhook verification refused (${answer.reason})`);
		if (answer.reason === 'missing_verify_token_setting') {
			log.error('set "Webhook Verify Token" in the WhatsApp credential, then verify again in Meta.');
		}
	}
	return reply(this, answer.status, answer.body);
}
