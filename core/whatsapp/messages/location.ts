/** Location message (`type: "location"`): latitude/longitude plus optional name and address. */
import { z } from 'zod';

import type { MessageContent } from './request';
import { parseOrThrow } from './validation';

const coordinate = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);

const locationSchema = z.object({
	latitude: coordinate(-90, 90),
	longitude: coordinate(-180, 180),
	name: z.string().trim().max(1000).optional(),
	address: z.string().trim().max(1000).optional(),
});

export type LocationInput = z.input<typeof locationSchema>;

export function buildLocation(input: LocationInput): MessageContent {
	const { latitude, longitude, name, address } = parseOrThrow(locationSchema, input, 'location');
	const location: Record<string, unknown> = { latitude, longitude };
	if (name) location.name = name;
	if (address) location.address = address;
	return { type: 'location', location };
}

/** Same validation, returning the bare object (template LOCATION headers use it). */
export function parseLocation(input: unknown, field: string): Record<string, unknown> {
	const { latitude, longitude, name, address } = parseOrThrow(locationSchema, input, field);
	const location: Record<string, unknown> = { latitude, longitude };
	if (name) location.name = name;
	if (address) location.address = address;
	return location;
}
