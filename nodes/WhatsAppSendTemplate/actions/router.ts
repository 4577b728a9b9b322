/** WhatsApp Send Template has one operation, `send`: every input item becomes one template message. */
import { createRouter } from '../../shared/router';
import { bulkSendOperation } from '../../shared/send';
import { prepare } from './send.operation';

export const router = createRouter({ operation: 'send', operations: { send: bulkSendOperation(prepare) } });
