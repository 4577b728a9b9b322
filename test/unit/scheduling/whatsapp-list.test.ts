import {
	buildSlotList,
	fit,
	LIST_LIMITS,
	WAITLIST_JOIN_ROW_ID,
} from '../../../core/scheduling/whatsapp-list';
import { MemoryBookingRepository } from '../../../core/scheduling/repositories/memory';
import { BuiltinSchedulingProvider } from '../../../core/scheduling/providers/builtin';
import { decodeSlotId } from '../../../core/scheduling/slot-id';
import { at, clinicRules } from './helpers';

function provider(overrides = {}) {
	return new BuiltinSchedulingProvider({
		rules: clinicRules(overrides),
		repository: new MemoryBookingRepository(),
		clock: () => at('2030-01-11T11:00'), // Friday 11:00 (morning hours only): three Friday starts, then Monday
	});
}

describe('WhatsApp interactive list from free slots', () => {
	it('groups rows by local day, ≤ 10 rows, Meta length limits, row id = slot id', async () => {
		const p = provider({
			practitioners: [
				{ id: 'ana', name: 'Dra. Ana Beatriz de Souza e Silva Albuquerque' },
				{ id: 'bruno', name: 'Dr. Bruno Lima', serviceIds: ['consulta'] },
			],
		});
		const slots = await p.findFreeSlots({ serviceId: 'consulta', limit: 25 });
		expect(slots).toHaveLength(25);
		const { interactive, shown, omitted } = buildSlotList(slots, {
			locale: 'pt-BR',
			header: 'Clínica Sorriso',
		});
		expect(interactive).not.toBeNull();
		const list = interactive!;
		expect(list.type).toBe('list');
		expect(shown).toHaveLength(10);
		expect(omitted).toBe(15);
		const rows = list.action.sections.flatMap((s) => s.rows);
		expect(rows).toHaveLength(10);
		expect(rows.map((r) => r.id)).toEqual(slots.slice(0, 10).map((s) => s.slotId));
		for (const r of rows) {
			expect(Array.from(r.title).length).toBeLessThanOrEqual(LIST_LIMITS.rowTitle);
			expect(Array.from(r.description ?? '').length).toBeLessThanOrEqual(LIST_LIMITS.rowDescription);
			expect(r.id.length).toBeLessThanOrEqual(LIST_LIMITS.rowId);
			expect(decodeSlotId(r.id).backend).toBe('builtin');
		}
		// Friday 11:00 → 11:00/11:15/11:30 ×2 practitioners = 6 rows on Friday, then Monday.
		expect(list.action.sections.map((s) => [s.title, s.rows.length])).toEqual([
			['sex., 11 jan', 6],
			['seg., 14 jan', 4],
		]);
		expect(rows[0].title).toBe('11:00 · Dra. Ana Beatri…');
		expect(list.action.button).toBe('Ver horários');
		expect(list.header).toEqual({ type: 'text', text: 'Clínica Sorriso' });
		expect(list.body.text).toBe('Escolha um horário disponível:');
		expect(list.action.sections.every((s) => Array.from(s.title).length <= LIST_LIMITS.sectionTitle)).toBe(
			true,
		);
	});

	it('puts the practitioner in the description when only one is offered, localised (es)', async () => {
		const slots = await provider().findFreeSlots({ serviceId: 'retorno', limit: 3, locale: 'es' });
		const { interactive } = buildSlotList(slots, {
			locale: 'es',
			button: 'Un botón demasiado largo para WhatsApp',
		});
		const row = interactive!.action.sections[0].rows[0];
		expect(row.title).toBe('11:00');
		expect(row.description).toBe('vie, 11 ene · 11:00–11:15 · Retorno · con Dra. Ana Souza');
		expect(interactive!.action.button).toBe('Un botón demasiado…');
		expect(Array.from(interactive!.action.button).length).toBeLessThanOrEqual(20);
	});

	it('Join Waitlist Row: 9 times, then "None of these — join the waitlist" in the locale, within Meta limits', async () => {
		const slots = await provider().findFreeSlots({ serviceId: 'consulta', limit: 25 });
		for (const [locale, title] of [
			['pt-BR', 'Lista de espera'],
			['es', 'Lista de espera'],
			['en', 'Join the waitlist'],
		] as const) {
			const { interactive, shown } = buildSlotList(slots, { locale, waitlistRow: true });
			expect(shown).toHaveLength(9);
			const sections = interactive!.action.sections;
			const rows = sections.flatMap((s) => s.rows);
			expect(rows).toHaveLength(10);
			expect(sections.length).toBeLessThanOrEqual(LIST_LIMITS.sections);
			expect(rows[9]).toMatchObject({ id: WAITLIST_JOIN_ROW_ID, title });
			for (const r of rows) {
				expect(Array.from(r.title).length).toBeLessThanOrEqual(LIST_LIMITS.rowTitle);
				expect(Array.from(r.description ?? '').length).toBeLessThanOrEqual(LIST_LIMITS.rowDescription);
			}
			for (const section of sections)
				expect(Array.from(section.title ?? '').length).toBeLessThanOrEqual(LIST_LIMITS.sectionTitle);
		}
	});

	it('returns no list (and a localised text) when there is no slot', () => {
		const result = buildSlotList([], { locale: 'en' });
		expect(result.interactive).toBeNull();
		expect(result.emptyText).toBe('No free times in this period.');
	});

	it('fit() counts code points and marks truncation', () => {
		expect(fit('Consulta 🦷 odontológica', 10)).toBe('Consulta…');
		expect(fit('abc', 3)).toBe('abc');
	});
});
