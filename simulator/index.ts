/**
 * WhatsApp Cloud API simulator (dev/demo tool, not published). Programmatic entry point:
 *
 *   const sim = await startSimulator({ port: 0, webhookUrl });
 *   // sim.url, sim.phoneNumberId, sim.wabaId, sim.accessToken, sim.appSecret
 *   await sim.inbound({ from: '5511987654321', name: 'Maria', type: 'text', text: 'Hi' });
 *   sim.messages({ to: '5511987654321' }); sim.deliveries(); sim.advanceClock(ms); await sim.idle(); await sim.close();
 */
export { startSimulator, MIN_GRAPH_VERSION, MAX_GRAPH_VERSION } from './server';
export type { Simulator, MessageFilter } from './server';
export type { SimulatorOptions, Clock, PhoneNumberConfig, FaultKind, DeliveryErrorMode } from './options';
export { DEFAULTS, parseArgs, resolveOptions } from './options';
export type { InboundInput, InboundResult } from './inbound';
export type { RuntimeConfig } from './control-routes';
export { TEMPLATES, findTemplate, placeholders, fillPlaceholders, exampleSendComponents } from './templates';
export type { MessageTemplate, TemplateComponent, TemplateButton } from './templates';
export { signBody, messagesEnvelope } from './webhook-sender';
export { UNDELIVERABLE_PREFIX, BLOCKED_PREFIX } from './send-message';
export { startWebhookReceiver } from './receiver';
export type { WebhookReceiver, ReceivedWebhook } from './receiver';
export { verifySignature, statusesOf, messagesOf } from './receiver';
