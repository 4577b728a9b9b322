/** Outgoing message builders (n8n-free). One module per message kind; all validate before any request. */
export * from './validation';
export * from './request';
export * from './text';
export * from './interactive';
export * from './media';
export * from './location';
export * from './reaction';
export * from './contacts';
export * from './mark-read';
export * from './template';
export * from './template-parameters';
export * from './template-limits';
export * from './template-variables';
