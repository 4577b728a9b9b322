/** Contact card (`type: "contacts"`), e.g. the clinic's reception number: one contact with name, phones, email, url. */
import { z } from 'zod';

import type { MessageContent } from './request';
import { parseOrThrow } from './validation';

const contactSchema = z.object({
	name: z.object({
		formatted_name: z.string().trim().min(1).max(1000),
		first_name: z.string().trim().optional(),
		last_name: z.string().trim().optional(),
	}),
	phones: z
		.array(
			z.object({
				phone: z.string().trim().min(1),
				type: z.string().trim().optional(),
				wa_id: z.string().trim().optional(),
			}),
		)
		.optional(),
	emails: z
		.array(z.object({ email: z.string().trim().email(), type: z.string().trim().optional() }))
		.optional(),
	urls: z.array(z.object({ url: z.string().trim().url(), type: z.string().trim().optional() })).optional(),
	org: z.object({ company: z.string().trim().optional(), title: z.string().trim().optional() }).optional(),
});

export type ContactInput = z.input<typeof contactSchema>;

function compact<T extends Record<string, unknown>>(o: T): T {
	return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export function buildContacts(contacts: ContactInput[]): MessageContent {
	const parsed = parseOrThrow(z.array(contactSchema).min(1), contacts, 'contacts');
	return {
		type: 'contacts',
		contacts: parsed.map((c) =>
			compact({
				name: compact(c.name),
				phones: c.phones?.length ? c.phones.map((p) => compact(p)) : undefined,
				emails: c.emails?.length ? c.emails.map((e) => compact(e)) : undefined,
				urls: c.urls?.length ? c.urls.map((u) => compact(u)) : undefined,
				org: c.org ? compact(c.org) : undefined,
			}),
		),
	};
}
