/**
 * The waitlist integration tests' FHIR clinic: Practitioner/bruno with one Schedule and free 30-minute Slots in a
 * row, on the in-process FHIR R4 server; and our FHIR provider on that server at a fixed clock.
 */
import { FhirSchedulingProvider } from '../../../core/scheduling/providers/fhir';
import { send } from './fetch-sender';
import type { TestFhirServer } from './fhir-server';

export const ZONE = 'America/Sao_Paulo';
const HALF_HOUR = 30 * 60_000;

/** Practitioner/bruno, his Schedule and `count` free Slots from `firstStart` (ISO), one every 30 minutes. */
export async function seedBruno(server: TestFhirServer, firstStart: string, count: number): Promise<void> {
	const create = async (r: Record<string, unknown>) =>
		(await server.repo.createResource(r as never)) as unknown as { id: string };
	await create({ resourceType: 'Practitioner', id: 'bruno', name: [{ text: 'Dr. Bruno Lima' }] });
	const schedule = await create({
		resourceType: 'Schedule',
		active: true,
		actor: [{ reference: 'Practitioner/bruno', display: 'Dr. Bruno Lima' }],
	});
	for (let i = 0; i < count; i++) {
		const start = Date.parse(firstStart) + i * HALF_HOUR;
		await create({
			resourceType: 'Slot',
			schedule: { reference: `Schedule/${schedule.id}` },
			status: 'free',
			start: new Date(start).toISOString(),
			end: new Date(start + HALF_HOUR).toISOString(),
		});
	}
}

/** Our FHIR scheduling provider on `server`, its clock at `nowMs`. */
export const fhirProvider = (server: TestFhirServer, nowMs: number) =>
	new FhirSchedulingProvider({ baseUrl: server.baseUrl, send, timeZone: ZONE, clock: () => nowMs });
