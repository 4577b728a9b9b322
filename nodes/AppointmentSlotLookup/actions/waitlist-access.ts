/**
 * What the Waitlist operations need per item: the WaitlistService on the Clinic Store (audited as this workflow,
 * execution and node), the waitlist the item's scheduling settings point at (`builtin:<calendar>`,
 * `fhir:<base URL>`, `calcom:<event type>`), the clinic time zone and the item's SchedulingProvider (Claim Offer
 * books through it), plus the item JSON of entries and offers.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ClinicError } from '../../../core/errors';
import type { SchedulingProvider } from '../../../core/scheduling/provider';
import { practitionerRef } from '../../../core/scheduling/providers/fhir-resources';
import { settle } from '../../../core/settle';
import {
	CLAIM_PAYLOAD_PREFIX,
	type FreedSlot,
	type OfferToSend,
	SqlWaitlistRepository,
	type WaitlistEntry,
	WaitlistService,
} from '../../../core/waitlist';
import { getClinicStore } from '../../shared/store';
import type { SlotProviders } from './provider-factory';

export interface WaitlistItem {
	service: WaitlistService;
	listId: string;
	provider: SchedulingProvider;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class WaitlistAccess {
	private service?: WaitlistService;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly providers: SlotProviders,
	) {}

	async forItem(i: number): Promise<WaitlistItem> {
		const provider = await this.providers.forItem(i);
		return { service: await this.waitlistService(i), listId: await this.listId(i, provider), provider };
	}

	private async waitlistService(i: number): Promise<WaitlistService> {
		if (this.service) return this.service;
		const store = await settle(async () => await getClinicStore(this.ctx, i));
		if (!store.ok)
			throw new ClinicError('The waitlist needs a Clinic Store credential', {
				code: 'clinic_store_required',
				kind: 'config',
				field: 'Clinic Store credential',
				hint: `Waitlist entries and offers are kept (encrypted, audited) in the clinic store, whatever the scheduling system. Select or create a "Clinic Store" credential on this node. (${(store.error as Error).message})`,
				cause: store.error,
			});
		const workflow = this.ctx.getWorkflow();
		return (this.service = new WaitlistService({
			repository: new SqlWaitlistRepository(store.value),
			actor: {
				workflowId: workflow.id ?? null,
				executionId: this.ctx.getExecutionId() ?? null,
				node: this.ctx.getNode().name,
			},
		}));
	}

	private async listId(i: number, provider: SchedulingProvider): Promise<string> {
		if (provider.backend === 'builtin')
			return `builtin:${String(this.ctx.getNodeParameter('calendarId', i, 'default') || 'default')}`;
		if (provider.backend === 'calcom')
			return `calcom:${Number(this.ctx.getNodeParameter('eventTypeId', i, 0))}`;
		const credentials = await this.ctx.getCredentials('fhirServerApi', i);
		return `fhir:${String(credentials.baseUrl ?? '').replace(/\/+$/, '')}`;
	}
}

/** FHIR practitioners are known as `Practitioner/<id>` on freed slots: a bare id joins as the same. */
export function practitionerFor(provider: SchedulingProvider, id: string | undefined): string | undefined {
	const trimmed = id?.trim();
	if (!trimmed) return undefined;
	return provider.backend === 'fhir' ? practitionerRef(trimmed) : trimmed;
}

/** True when the backend still offers the freed slot (nothing is offered for a time that is booked again). */
export async function slotStillFree(provider: SchedulingProvider, slot: FreedSlot): Promise<boolean> {
	const free = await provider.findFreeSlots({
		practitionerId: provider.backend === 'calcom' ? undefined : (slot.practitionerId ?? undefined),
		serviceId: provider.backend === 'builtin' ? (slot.serviceId ?? undefined) : undefined,
		from: new Date(slot.startMs).toISOString(),
		to: new Date(slot.startMs + 60_000).toISOString(),
		limit: 100,
	});
	return free.some((s) => s.slotId === slot.slotId);
}

export function entryJson(e: WaitlistEntry): IDataObject {
	return {
		entryId: e.id,
		status: e.status,
		practitionerId: e.practitionerId,
		serviceId: e.serviceId,
		earliest: iso(e.earliestMs),
		latest: iso(e.latestMs),
		timesOfDay: e.timesOfDay,
		patient: { ...e.patient },
		...(e.notes ? { notes: e.notes } : {}),
		...(e.appointmentId ? { appointmentId: e.appointmentId } : {}),
		waitlist: e.listId,
		createdAt: iso(e.createdAtMs),
		updatedAt: iso(e.updatedAtMs),
	};
}

/** One patient to message: who, which time, and the payload of the "Take this time" button. */
export function offerJson({ offer, entry, slot }: OfferToSend): IDataObject {
	return {
		offerId: offer.id,
		claimPayload: `${CLAIM_PAYLOAD_PREFIX}${offer.id}`,
		wave: offer.wave,
		expiresAt: iso(offer.expiresAtMs),
		patient: { ...entry.patient },
		firstName: (entry.patient.name ?? '').split(/\s+/)[0] ?? '',
		entryId: entry.id,
		slot: {
			slotId: slot.slotId,
			start: iso(slot.startMs),
			end: iso(slot.endMs),
			...(slot.info.startLocal ? { startLocal: slot.info.startLocal } : {}),
			timeZone: slot.info.timeZone,
			label: slot.info.label ?? '',
			practitioner: { id: slot.practitionerId, name: slot.info.practitionerName ?? null },
			service: { id: slot.serviceId, name: slot.info.serviceName ?? null },
			...(slot.info.location ? { location: slot.info.location } : {}),
		},
		freedSlotId: slot.id,
	};
}
