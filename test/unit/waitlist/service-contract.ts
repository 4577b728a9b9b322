/**
 * The waitlist contract, run by service.test.ts over every WaitlistRepository (memory, SQLite, Postgres with
 * WAC_PG_URL): join / leave / list, matching and waves, claims through the built-in scheduler's Book, and Find
 * Freed Slots' polls (what the previous poll saw is kept per watch).
 */
import { BuiltinSchedulingProvider } from '../../../core/scheduling/providers/builtin';
import type { BookingRepository } from '../../../core/scheduling/repositories/port';
import { encodeSlotId } from '../../../core/scheduling/slot-id';
import type { BookOutcome } from '../../../core/scheduling/types';
import {
	type FreedSlot,
	type OfferToSend,
	pollFreedSlots,
	readFreedSlot,
	type WaitlistRepository,
	WaitlistService,
	type WaveOptions,
} from '../../../core/waitlist';
import { at, clinicRules } from '../scheduling/helpers';

export interface Harness {
	repository: WaitlistRepository;
	bookings: BookingRepository;
	/** The audit events written so far, oldest first. */
	events(): Promise<string[]>;
}

const ZONE = 'America/Sao_Paulo';
const LIST = 'builtin:main';
const NOW = at('2030-01-06T12:00'); // Sunday noon
const MINUTE = 60_000;
const WAVE: WaveOptions = { waveSize: 2, windowMs: 30 * MINUTE, locale: 'pt-BR' };

/** Monday 2030-01-07 09:00 local, Dra. Ana, consulta (30 min). */
function freed(startLocal = '2030-01-07T09:00', practitionerId = 'ana', serviceId = 'consulta'): FreedSlot {
	const startMs = at(startLocal);
	return {
		slotId: encodeSlotId({ backend: 'builtin', practitionerId, serviceId, startMs }),
		startMs,
		endMs: startMs + 30 * MINUTE,
		practitionerId,
		serviceId,
		timeZone: ZONE,
	};
}

const phone = (n: number) => `55119000000${String(n).padStart(2, '0')}`;

export function waitlistContract(make: () => Promise<Harness>): void {
	let h: Harness;
	let now: number;
	let service: WaitlistService;
	let provider: BuiltinSchedulingProvider;

	beforeEach(async () => {
		h = await make();
		now = NOW;
		service = new WaitlistService({ repository: h.repository, clock: () => now, actor: { node: 'test' } });
		provider = new BuiltinSchedulingProvider({
			rules: clinicRules(),
			repository: h.bookings,
			clock: () => now,
		});
	});

	// Each join one millisecond later, so "oldest first" is well defined.
	const join = (n: number, extra: Record<string, unknown> = {}) =>
		service.join(LIST, {
			...((now += 1), {}),
			patient: { name: `Paciente ${n}`, phone: `+${phone(n)}` },
			practitionerId: 'ana',
			timeZone: ZONE,
			...extra,
		});
	const book = async (offer: OfferToSend, tapper = offer.entry.patient.phone) =>
		await service.claim(LIST, { offerId: offer.offer.id, tapper: { phone: tapper } }, async (entry, slot) =>
			provider.book({
				slotId: slot.slotId,
				patient: { name: entry.patient.name, phone: entry.patient.phone },
			}),
		);

	it('join validates, stores digits, re-joining updates the waiting entry; list and leave by patient', async () => {
		await expect(
			service.join(LIST, { patient: { name: 'Sem Telefone' }, timeZone: ZONE }),
		).rejects.toMatchObject({ field: 'Patient Phone' });
		await expect(
			service.join(LIST, { patient: { phone: '+5511900000001' }, timeZone: ZONE }),
		).rejects.toMatchObject({
			field: 'Patient Name',
		});
		await expect(join(1, { latest: '2030-01-01' })).rejects.toMatchObject({ field: 'Latest Date' });
		await expect(join(1, { timesOfDay: ['noon'] })).rejects.toMatchObject({ field: 'Preferred Times' });

		const first = await join(1, { earliest: '2030-01-07', latest: '2030-01-10', timesOfDay: ['morning'] });
		expect(first).toMatchObject({
			updated: false,
			entry: {
				status: 'waiting',
				practitionerId: 'ana',
				serviceId: null,
				earliestMs: at('2030-01-07T00:00'),
				latestMs: at('2030-01-11T00:00'),
				timesOfDay: ['morning'],
				patient: { name: 'Paciente 1', phone: phone(1) },
			},
		});
		const again = await join(1, { timesOfDay: ['afternoon', 'morning'], latest: '2030-01-20' });
		expect(again).toMatchObject({
			updated: true,
			entry: { id: first.entry.id, timesOfDay: ['morning', 'afternoon'] },
		});
		await join(1, { practitionerId: 'bruno' });
		await join(2);
		expect((await service.list(LIST)).map((e) => e.patient.name)).toEqual([
			'Paciente 1',
			'Paciente 1',
			'Paciente 2',
		]);
		expect(await service.list(LIST, { patient: { phone: `+55 11 90000-0001` } })).toHaveLength(2);
		expect(await service.list('builtin:other')).toEqual([]);

		const left = await service.leave(LIST, { patient: { phone: phone(1) } });
		expect(left.map((e) => e.status)).toEqual(['left', 'left']);
		expect((await service.list(LIST, { statuses: ['waiting'] })).map((e) => e.patient.name)).toEqual([
			'Paciente 2',
		]);
		await expect(service.leave(LIST, {})).rejects.toMatchObject({ field: 'Patient Phone' });
		expect(await h.events()).toEqual([
			'waitlist.joined',
			'waitlist.updated',
			'waitlist.joined',
			'waitlist.joined',
			'waitlist.left',
			'waitlist.left',
		]);
	});

	it('matches by practitioner or any, service or any, date range and time of day, oldest first, in waves', async () => {
		const ids = [
			(await join(1)).entry.id, // Ana, any service, any time → matches
			(await join(2, { practitionerId: 'bruno' })).entry.id, // another practitioner
			(await join(3, { practitionerId: undefined, serviceId: 'consulta' })).entry.id, // any practitioner → matches
			(await join(4, { serviceId: 'retorno' })).entry.id, // another service
			(await join(5, { earliest: '2030-01-08' })).entry.id, // too late
			(await join(6, { timesOfDay: ['afternoon'] })).entry.id, // 09:00 is morning
			(await join(7, { timesOfDay: ['morning'], latest: '2030-01-07' })).entry.id, // matches (that day included)
			(await join(8, { practitionerId: undefined })).entry.id, // anyone, anything → matches
		];
		const wave1 = await service.offerFreedSlot(LIST, freed(), WAVE);
		expect(wave1.map((o) => o.entry.id)).toEqual([ids[0], ids[2]]);
		expect(wave1[0]).toMatchObject({
			offer: { wave: 1, status: 'open', expiresAtMs: now + 30 * MINUTE },
			slot: { info: { label: 'seg., 7 jan · 09:00', timeZone: ZONE } },
		});
		expect(wave1[0].offer.id).toMatch(/^wo_[A-Za-z0-9_-]{22}$/);
		// The same freed slot again within the window: nothing new (the wave is running).
		expect(await service.offerFreedSlot(LIST, freed(), WAVE)).toEqual([]);
		now += 30 * MINUTE;
		const wave2 = await service.offerDueWaves(LIST, WAVE);
		expect(wave2.map((o) => [o.entry.id, o.offer.wave])).toEqual([
			[ids[6], 2],
			[ids[7], 2],
		]);
		// Wave 1 expired: tapping now does nothing, the patient stays waiting.
		const late = await book(wave1[0]);
		expect(late).toMatchObject({ claimed: false, reason: 'expired', entry: { status: 'waiting' } });
		now += 30 * MINUTE;
		expect(await service.offerDueWaves(LIST, WAVE)).toEqual([]); // everyone who fits was asked
		expect((await h.events()).filter((e) => e.startsWith('waitlist.') && !e.endsWith('joined'))).toEqual([
			'waitlist.slot-freed',
			'waitlist.offered',
			'waitlist.offered',
			'waitlist.offered',
			'waitlist.offered',
			'waitlist.claim-refused',
		]);
	});

	it('a time freed again before anyone was offered it is offered at once to who joined since', async () => {
		// Freed with nobody waiting: the record stays open, its next wave 30 minutes away.
		expect(await service.offerFreedSlot(LIST, freed(), WAVE)).toEqual([]);
		// Booked outside the waitlist, then cancelled again 5 minutes later; two patients joined meanwhile.
		now += 5 * MINUTE;
		const ids = [(await join(1)).entry.id, (await join(2)).entry.id];
		const offered = await service.offerFreedSlot(LIST, freed(), WAVE);
		expect(offered.map((o) => [o.entry.id, o.offer.wave])).toEqual([
			[ids[0], 1],
			[ids[1], 1],
		]);
		// A repeat of that cancellation within the wave's window offers nothing new.
		expect(await service.offerFreedSlot(LIST, freed(), WAVE)).toEqual([]);
	});

	it('the first to accept books through Book; the later tap gets "taken" and stays on the list', async () => {
		await join(1);
		await join(2);
		const [a, b] = await service.offerFreedSlot(LIST, freed(), WAVE);
		const won = await book(b);
		expect(won).toMatchObject({
			claimed: true,
			appointment: { status: 'booked', patient: { phone: phone(2) }, practitioner: { id: 'ana' } },
			entry: { status: 'booked' },
		});
		if (!won.claimed) return;
		expect(won.entry.appointmentId).toBe(won.appointment.id);
		expect(await book(a)).toMatchObject({ claimed: false, reason: 'taken', entry: { status: 'waiting' } });
		expect(await book(b)).toMatchObject({ claimed: false, reason: 'already_claimed' });
		expect(await book(a, phone(2))).toMatchObject({ claimed: false, reason: 'not_yours' });
		expect(
			await service.claim(LIST, { offerId: 'wo_nope', tapper: { phone: phone(1) } }, async () => {
				throw new Error('must not book');
			}),
		).toMatchObject({ claimed: false, reason: 'not_found' });
		await expect(
			service.claim(LIST, { offerId: a.offer.id, tapper: {} }, async () => {
				throw new Error('must not book');
			}),
		).rejects.toMatchObject({ field: 'Tapped By (Patient Phone)' });
		expect((await service.list(LIST)).map((e) => e.status)).toEqual(['waiting', 'booked']);
		// The same cancellation again (a repeated webhook): the backend says the time is booked, nothing is offered.
		const stillFree = async (slot: FreedSlot) =>
			(
				await provider.findFreeSlots({
					practitionerId: slot.practitionerId!,
					serviceId: slot.serviceId!,
					from: new Date(slot.startMs).toISOString(),
					to: new Date(slot.startMs + MINUTE).toISOString(),
				})
			).some((s) => s.slotId === slot.slotId);
		expect(await service.offerFreedSlot(LIST, freed(), WAVE, stillFree)).toHaveLength(0);
		expect(await stillFree(freed('2030-01-07T10:00'))).toBe(true);
		expect(await h.events()).toContain('waitlist.claimed');
	});

	it('a Book that someone else won outside the waitlist → "taken" and the slot is closed', async () => {
		await join(1);
		const [offer] = await service.offerFreedSlot(LIST, freed(), WAVE);
		const other = await provider.book({
			slotId: offer.slot.slotId,
			patient: { name: 'Walk-in', phone: '+5511911112222' },
		});
		expect(other.booked).toBe(true);
		expect(await book(offer)).toMatchObject({ claimed: false, reason: 'taken' });
		// The freed slot is closed: the next call for the same time opens a new record (e.g. it was freed again).
		now += 60 * MINUTE;
		expect(await service.offerDueWaves(LIST, WAVE)).toEqual([]);
	});

	it('a Book that throws reopens the offer (the patient can tap again)', async () => {
		await join(1);
		const [offer] = await service.offerFreedSlot(LIST, freed(), WAVE);
		const failing = async (): Promise<BookOutcome> => {
			throw new Error('scheduling server down');
		};
		await expect(
			service.claim(LIST, { offerId: offer.offer.id, tapper: { phone: phone(1) } }, failing),
		).rejects.toThrow('scheduling server down');
		expect(await book(offer)).toMatchObject({ claimed: true });
	});

	it('the patient who freed the slot is not offered it; a slot whose start has passed is closed', async () => {
		await join(1);
		await join(2);
		const slot = { ...freed(), freedBy: { phone: `+${phone(1)}` } };
		expect((await service.offerFreedSlot(LIST, slot, WAVE)).map((o) => o.entry.patient.phone)).toEqual([
			phone(2),
		]);
		now = at('2030-01-07T09:00');
		expect(await service.offerFreedSlot(LIST, freed('2030-01-07T09:00'), WAVE)).toEqual([]);
		now = NOW;
		await expect(service.offerFreedSlot(LIST, freed(), { ...WAVE, waveSize: 0 })).rejects.toMatchObject({
			field: 'Patients per Wave',
		});
	});

	it('20 patients tap the same slot at once: exactly one booking, 19 "taken"', async () => {
		for (let n = 1; n <= 20; n++) await join(n);
		const offers = await service.offerFreedSlot(LIST, freed(), { ...WAVE, waveSize: 20 });
		expect(offers).toHaveLength(20);
		const outcomes = await Promise.all(offers.map((o) => book(o)));
		expect(outcomes.filter((o) => o.claimed)).toHaveLength(1);
		expect(outcomes.filter((o) => !o.claimed && o.reason === 'taken')).toHaveLength(19);
		const booked = await h.bookings.list({ fromMs: at('2030-01-07T00:00'), toMs: at('2030-01-08T00:00') });
		expect(booked).toHaveLength(1);
		expect((await service.list(LIST, { statuses: ['waiting'] })).length).toBe(19);
	});

	it('Find Freed Slots: the first poll records; a slot cancelled elsewhere comes out once; watches are separate', async () => {
		const poll = async (serviceId = 'consulta') =>
			await pollFreedSlots(service, LIST, provider, {
				practitionerId: 'ana',
				serviceId,
				daysAhead: 3,
				limit: 500,
				nowMs: now,
			});
		expect(await poll()).toEqual([]);
		const [first] = await provider.findFreeSlots({ practitionerId: 'ana', serviceId: 'consulta', limit: 1 });
		const booked = await provider.book({
			slotId: first!.slotId,
			patient: { name: 'Outro Sistema', phone: '+5511988887777' },
		});
		if (!booked.booked) throw new Error('not booked');
		expect(await poll()).toEqual([]); // booked: gone, nothing freed
		expect(await poll('retorno')).toEqual([]); // another watch: its own first poll
		await provider.cancel({ appointmentId: booked.appointment.id });
		now += MINUTE;
		const freedNow = await poll();
		// The booked time and any overlapping start it blocked (built-in grid), nothing else.
		expect(freedNow.map((s) => s.slotId)).toContain(first!.slotId);
		for (const s of freedNow) expect(Date.parse(s.start)).toBeLessThan(Date.parse(first!.end));
		expect(readFreedSlot(freedNow[0], ZONE)).toMatchObject({ slotId: first!.slotId, practitionerId: 'ana' });
		expect(await poll()).toEqual([]);
		// Slots that only enter the window as time passes are not "freed".
		now += 2 * 86_400_000;
		expect(await poll()).toEqual([]);
	});
}
