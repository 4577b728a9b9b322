/**
 * Catalogue of WhatsApp Cloud API / Graph API error codes: what each means in plain words, whether retrying can
 * help, and what the clinic should do. Keyed by Meta's numeric `error.code`.
 * Source: Meta "Error codes" (developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).
 */

export type ErrorFamily =
	| 'auth'
	| 'permission'
	| 'throttling'
	| 'pair-limit'
	| 'integrity'
	| 'send'
	| 'template'
	| 'media'
	| 'window'
	| 'parameter'
	| 'server'
	| 'network';

/** backoff: exponential backoff with jitter; pair-backoff: 4^n s for the same recipient only; none: do not retry. */
export type RetryStrategy = 'backoff' | 'pair-backoff' | 'none';

export interface CatalogueEntry {
	/** Meta's code (for ranges, the first code of the range). */
	code: number;
	family: ErrorFamily;
	title: string;
	/** What happened, in plain words. */
	meaning: string;
	retryable: boolean;
	strategy: RetryStrategy;
	/** What the clinic user should do. */
	action: string;
}

type Row = [
	code: number,
	family: ErrorFamily,
	strategy: RetryStrategy,
	title: string,
	meaning: string,
	action: string,
];

const RENEW_TOKEN =
	'Renew the access token in the credential: create a permanent System User token in Meta Business Settings → Users → System Users (with whatsapp_business_messaging and whatsapp_business_management), then paste it into the credential.';
const CHECK_PERMISSIONS =
	'Give the System User access to this WhatsApp Business Account and the whatsapp_business_messaging / whatsapp_business_management permissions, then generate a new token.';
const RETRY_LATER =
	'Temporary problem at Meta: try again in a few minutes. The node retries a request with backoff before reporting this error; a message reported failed in a status update is not resent automatically.';
const FIX_TEMPLATE_PARAMS =
	'Make the parameters match the template: open it in WhatsApp Manager → Message templates and send exactly the variables, header media and buttons it defines.';

const ROWS: Row[] = [
	[
		0,
		'auth',
		'none',
		'Authentication failed',
		'Meta could not authenticate the request (AuthException).',
		RENEW_TOKEN,
	],
	[1, 'server', 'backoff', 'Unknown API error', 'Meta reported an unknown or temporary error.', RETRY_LATER],
	[
		2,
		'server',
		'backoff',
		'Service temporarily unavailable',
		'The Graph API is temporarily unavailable or overloaded.',
		RETRY_LATER,
	],
	[
		3,
		'permission',
		'none',
		'App lacks this capability',
		'The Meta app is not allowed to call this API method.',
		'Check in the App Dashboard that the WhatsApp product is added and the app has the needed permissions (App Review for live use).',
	],
	[
		4,
		'throttling',
		'backoff',
		'Too many API calls (app limit)',
		'The Meta app reached its API call rate limit.',
		'Wait and send fewer management calls (template lists, number lookups); the node retries with backoff before reporting this error.',
	],
	[
		10,
		'permission',
		'none',
		'Permission denied',
		'The token lacks a permission, or (with a test number) the recipient is not in the allowed list.',
		`${CHECK_PERMISSIONS} With Meta's test number, add the recipient under App Dashboard → WhatsApp → API Setup → "To".`,
	],
	[
		100,
		'parameter',
		'none',
		'Invalid parameter',
		'A request field is missing, misspelled or has a wrong value (or the ID does not exist / is not accessible with this token).',
		'Check the phone number ID and WhatsApp Business Account ID in the credential and the node fields named in the details.',
	],
	[
		190,
		'auth',
		'none',
		'Access token expired or invalid',
		'The access token has expired, was revoked or is malformed.',
		RENEW_TOKEN,
	],
	[
		200,
		'permission',
		'none',
		'API permission missing',
		'The token does not have the permission this call needs (codes 200-299).',
		CHECK_PERMISSIONS,
	],
	[
		368,
		'integrity',
		'none',
		'Temporarily blocked for policy violations',
		'The account is temporarily blocked for violating WhatsApp or Meta policies.',
		'Open WhatsApp Manager → Account quality to see the violation and appeal or wait for the block to end.',
	],
	[
		80007,
		'throttling',
		'backoff',
		'WhatsApp Business Account rate limit',
		'The WhatsApp Business Account reached its API rate limit.',
		'Wait and send less often; the node retries with backoff before reporting this error.',
	],
	[
		130429,
		'throttling',
		'backoff',
		'Throughput limit reached',
		"The phone number's messages-per-second limit (80 by default) was exceeded.",
		'Lower "messages per second" in the node to your number\'s throughput; the node retries with backoff before reporting this error.',
	],
	[
		130472,
		'send',
		'none',
		'Recipient is part of a Meta experiment',
		"The recipient's number is part of an experiment and did not receive this marketing message.",
		'Nothing to fix on your side; do not resend right away.',
	],
	[
		130497,
		'send',
		'none',
		'Country restricted',
		'The business account is restricted from messaging users in this country.',
		'Check WhatsApp Manager for messaging restrictions on this country.',
	],
	[
		131000,
		'server',
		'backoff',
		'Something went wrong',
		'Meta could not send the message because of an unknown error on its side.',
		RETRY_LATER,
	],
	[
		131005,
		'permission',
		'none',
		'Access denied',
		'Permission to this resource was denied.',
		CHECK_PERMISSIONS,
	],
	[
		131008,
		'parameter',
		'none',
		'Required parameter missing',
		'A required field is missing from the request.',
		'Fill in the field named in the details.',
	],
	[
		131009,
		'parameter',
		'none',
		'Parameter value not valid',
		'A field has a value WhatsApp does not accept.',
		'Correct the field named in the details (phone number format, IDs, lengths).',
	],
	[
		131016,
		'server',
		'backoff',
		'Service unavailable',
		'The WhatsApp service is temporarily unavailable.',
		RETRY_LATER,
	],
	[
		131021,
		'parameter',
		'none',
		'Recipient cannot be sender',
		"The message was addressed to the clinic's own WhatsApp number.",
		"Send to the patient's number, not to the clinic's business number.",
	],
	[
		131026,
		'send',
		'none',
		'Message undeliverable',
		'The number is not on WhatsApp, cannot receive this message (old app version, not accepted the terms) or blocked the business.',
		'Check the number is right and on WhatsApp; otherwise contact the patient another way (SMS, phone).',
	],
	[
		131031,
		'integrity',
		'none',
		'Business account locked',
		'The WhatsApp Business Account is restricted or disabled for policy violations, or its data could not be verified.',
		'Open WhatsApp Manager → Account quality and Business Support to resolve the lock.',
	],
	[
		131037,
		'send',
		'none',
		'Display name needs approval',
		"The phone number's display name has not been approved yet.",
		'Wait for display-name approval in WhatsApp Manager → Phone numbers (or fix the name and resubmit).',
	],
	[
		131042,
		'send',
		'none',
		'Payment issue',
		'The business account has a payment problem (no valid payment method, credit line over limit, account disabled).',
		'Add or fix the payment method in WhatsApp Manager → Settings → Payment methods.',
	],
	[
		131045,
		'send',
		'none',
		'Phone number not registered',
		'The sending number is not registered for the Cloud API (incorrect certificate).',
		'Register the number: WhatsApp Manager → Phone numbers, or POST /{phone-number-id}/register with the two-step PIN.',
	],
	[
		131047,
		'window',
		'none',
		'Outside the 24-hour window',
		'More than 24 hours have passed since the patient last wrote, so only template messages can be sent.',
		'Use WhatsApp Send Template with an approved template; free-form messages work again after the patient replies.',
	],
	[
		131048,
		'integrity',
		'none',
		'Spam rate limit hit',
		'Messages were restricted because too many recipients blocked or reported earlier messages.',
		"Slow down, send only to patients who opted in, and check the number's quality in WhatsApp Manager.",
	],
	[
		131049,
		'send',
		'none',
		'Not delivered to protect the ecosystem',
		'Meta chose not to deliver this marketing message to keep engagement healthy.',
		'Do not resend right away; try later or use a utility template for essential appointment information.',
	],
	[
		131050,
		'send',
		'none',
		'Patient stopped marketing messages',
		'The recipient opted out of marketing messages from this business.',
		'Record the opt-out and do not send marketing templates to this patient.',
	],
	[
		131051,
		'send',
		'none',
		'Unsupported message type',
		'The message type is not supported.',
		'Use one of the supported message types (text, media, location, contacts, interactive, template).',
	],
	[
		131052,
		'media',
		'none',
		'Media download error',
		'WhatsApp could not download the media the patient sent (or it is larger than 100 MB).',
		'Ask the patient to send the file again.',
	],
	[
		131053,
		'media',
		'none',
		'Media upload error',
		'WhatsApp could not use the media: unsupported type, wrong MIME type, too large, or the link is not reachable.',
		'Check the file type and size (images 5 MB, audio/video 16 MB, documents 100 MB) and that the link is public HTTPS.',
	],
	[
		131056,
		'pair-limit',
		'pair-backoff',
		'Too many messages to this patient',
		'Too many messages were sent to the same patient in a short time (pair rate limit, about 1 every 6 seconds).',
		'Space messages to the same patient; the node waits 4^n seconds before retrying that patient only, and reports this error when the wait would be too long.',
	],
	[
		131057,
		'throttling',
		'backoff',
		'Account in maintenance',
		'The business account is in maintenance mode, usually during a throughput upgrade (about 1 minute).',
		'Wait a minute and try again; the node retries with backoff before reporting this error.',
	],
	[
		132000,
		'template',
		'none',
		'Template parameter count mismatch',
		'The number of variables sent does not match the template.',
		FIX_TEMPLATE_PARAMS,
	],
	[
		132001,
		'template',
		'none',
		'Template does not exist',
		'No APPROVED template with this name exists in this language.',
		'Check the template name and language code in WhatsApp Manager → Message templates and that its status is Active (approved).',
	],
	[
		132005,
		'template',
		'none',
		'Template text too long',
		'The template text with the variables filled in is too long.',
		'Shorten the variable values.',
	],
	[
		132007,
		'template',
		'none',
		'Template format policy violated',
		"A variable breaks WhatsApp's formatting rules (for example new lines, tabs or more than 4 spaces in a row).",
		'Remove new lines, tabs and repeated spaces from the variable values.',
	],
	[
		132012,
		'template',
		'none',
		'Template parameter format mismatch',
		'A variable has the wrong type, for example the template has an image header and no image was sent.',
		FIX_TEMPLATE_PARAMS,
	],
	[
		132015,
		'template',
		'none',
		'Template paused',
		'The template is paused because of low quality.',
		'Edit the template or use another one; see WhatsApp Manager → Message templates.',
	],
	[
		132016,
		'template',
		'none',
		'Template disabled',
		'The template was disabled after being paused repeatedly for low quality.',
		'Create a new template with different content.',
	],
	[
		132068,
		'send',
		'none',
		'Flow is blocked',
		'The WhatsApp Flow in this message is in a blocked state.',
		'Fix the Flow in WhatsApp Manager → Flows.',
	],
	[
		132069,
		'throttling',
		'none',
		'Flow is throttled',
		'The WhatsApp Flow is throttled; only a few messages using it can be sent per hour.',
		"Fix the Flow's health in WhatsApp Manager → Flows, then send again later.",
	],
	[
		133000,
		'send',
		'none',
		'Incomplete deregistration',
		'A previous deregistration of the number did not finish.',
		'Deregister the number again before registering it.',
	],
	[
		133004,
		'server',
		'backoff',
		'Server temporarily unavailable',
		'The WhatsApp server is temporarily unavailable.',
		RETRY_LATER,
	],
	[
		133005,
		'auth',
		'none',
		'Two-step verification PIN mismatch',
		'The two-step verification PIN is wrong.',
		'Use the correct PIN or reset it in WhatsApp Manager → Phone numbers → Two-step verification.',
	],
	[
		133006,
		'send',
		'none',
		'Phone number needs re-verification',
		'The phone number must be verified again before it can be registered.',
		'Verify the number again in WhatsApp Manager.',
	],
	[
		133008,
		'throttling',
		'none',
		'Too many PIN guesses',
		'Too many two-step verification PIN attempts for this number.',
		'Wait for the time given in the details before trying again.',
	],
	[
		133009,
		'throttling',
		'none',
		'PIN entered too quickly',
		'Two-step verification PIN attempts were made too fast.',
		'Wait a little before trying again.',
	],
	[
		133010,
		'send',
		'none',
		'Phone number not registered',
		'The phone number is not registered on the WhatsApp Business Platform.',
		'Register the number in WhatsApp Manager (or POST /{phone-number-id}/register).',
	],
	[
		133015,
		'throttling',
		'none',
		'Wait before registering',
		'The number was deleted recently; registration must wait.',
		'Wait about 5 minutes, then register again.',
	],
	[
		135000,
		'parameter',
		'none',
		'Generic user error',
		'The request failed because of an unknown problem with its parameters.',
		'Check the request fields; if it persists, contact Meta support with the trace ID.',
	],
];

function toEntry([code, family, strategy, title, meaning, action]: Row): CatalogueEntry {
	return { code, family, title, meaning, retryable: strategy !== 'none', strategy, action };
}

/** Every catalogued code. Codes 200-299 share the entry of 200. */
export const ERROR_CATALOGUE: ReadonlyMap<number, CatalogueEntry> = new Map(
	ROWS.map((row) => [row[0], Object.freeze(toEntry(row))]),
);

const FALLBACK_CLIENT: CatalogueEntry = Object.freeze({
	code: -1,
	family: 'parameter',
	title: 'Request rejected',
	meaning: 'Meta rejected the request.',
	retryable: false,
	strategy: 'none',
	action: 'Check the fields named in the details; if it persists, contact Meta support with the trace ID.',
});

const FALLBACK_SERVER: CatalogueEntry = Object.freeze({
	code: -1,
	family: 'server',
	title: 'Meta server error',
	meaning: 'The Graph API answered with a server error.',
	retryable: true,
	strategy: 'backoff',
	action: RETRY_LATER,
});

const FALLBACK_STATUS: Record<number, CatalogueEntry> = {
	401: ERROR_CATALOGUE.get(190)!,
	403: ERROR_CATALOGUE.get(10)!,
	404: Object.freeze({
		...FALLBACK_CLIENT,
		title: 'Not found',
		meaning: 'The requested object or URL does not exist (or is not accessible with this token).',
		action: 'Check the IDs in the credential and node fields.',
	}),
	429: ERROR_CATALOGUE.get(4)!,
};

/**
 * Finds the catalogue entry for a Meta code; unknown codes fall back on the HTTP status
 * (401 → auth, 403 → permission, 429 → throttling, 5xx → server (retryable), other → not retryable).
 */
export function lookupErrorCode(code: number | undefined, httpStatus?: number): CatalogueEntry {
	if (code !== undefined && Number.isFinite(code)) {
		const exact = ERROR_CATALOGUE.get(code);
		if (exact) return exact;
		if (code > 200 && code <= 299) return ERROR_CATALOGUE.get(200)!;
	}
	if (httpStatus !== undefined) {
		if (FALLBACK_STATUS[httpStatus]) return FALLBACK_STATUS[httpStatus];
		if (httpStatus >= 500) return FALLBACK_SERVER;
	}
	return FALLBACK_CLIENT;
}
