/**
 * What send-throughput measures against: Meta's 80 msg/s cap (and an upgraded number's 1,000), 100 ms Graph latency, one sender number, one
 * template, and the credentials the senders use.
 */
export const MPS = 80;
/** An upgraded number's cap (Meta raises numbers to 1,000 msg/s). */
export const UPGRADED_MPS = 1000;
export const LATENCY_MS = 100;
export const HOST = 'graph.facebook.com';
export const PHONE_NUMBER_ID = '100000000000001';
export const WABA_ID = '200000000000001';
export const TOKEN = 'sim-token';
export const TEMPLATE = { name: 'post_visit_follow_up', language: 'en_US', body: ['Ana', 'Dr. Lima'] };

export const CREDENTIAL_HTTP = 'WhatsApp Clinic (bench, http)';
export const CREDENTIAL_TLS = 'WhatsApp Clinic (bench, https)';
export const CREDENTIAL_BUILTIN = 'WhatsApp built-in (bench)';
