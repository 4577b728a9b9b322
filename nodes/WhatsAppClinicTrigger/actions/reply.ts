/** The one way the trigger answers an HTTP request itself (plain text), telling n8n not to answer it again. */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export function reply(context: IWebhookFunctions, status: number, body: string): IWebhookResponseData {
	const res = context.getResponseObject();
	res.status(status);
	res.setHeader('Content-Type', 'text/plain; charset=utf-8');
	res.send(body);
	return { noWebhookResponse: true };
}

/** Log lines of the trigger, prefixed with its name (never with body content: callers pass none). */
export function triggerLog(context: IWebhookFunctions) {
	const prefix = 'WhatsApp Clinic Trigger: ';
	return {
		warn: (message: string) => context.logger.warn(prefix + message, { node: context.getNode().name }),
		error: (message: string) => context.logger.error(prefix + message),
	};
}
