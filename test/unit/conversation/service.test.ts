/**
 * ConversationService over each repository: the in-memory twin and the clinic store (SQLite; Postgres when
 * WAC_PG_URL is set). Plus what only the SQL adapter can show: nothing about the patient is stored in clear, and the
 * table needs no setup (the migration comes with the store).
 */
import {
	type ConversationRepository,
	ConversationService,
	type ConversationSettings,
	MemoryConversationRepository,
	SqlConversationRepository,
	patientKey,
} from '../../../core/conversation';
import { type ClinicStore, openClinicStore, rotatePhiKeys } from '../../../core/store';
import { describeEachBackend } from '../../integration/store/backends';
import { BR, NOW, msg, pick, say, script, tap } from './helpers';

const HOUR = 3_600_000;
const settings: ConversationSettings = {
	script,
	idleMs: 24 * HOUR,
	defaultLanguage: 'pt_BR',
	detectFromText: true,
	useCountry: true,
};

function contract(make: () => Promise<ConversationRepository>) {
	let now = NOW;
	const service = async () => {
		now = NOW;
		const repository = await make();
		return { repository, service: new ConversationService(repository, () => now) };
	};
	const actions = (answers: Awaited<ReturnType<ConversationService['answer']>>) =>
		answers.map((a) => ('decision' in a ? a.decision.action : 'error'));

	it('remembers each patient between executions: a whole booking in Portuguese for a Brazilian number', async () => {
		const { service: s } = await service();
		const steps: Array<[ReturnType<typeof say>, string]> = [
			[tap('BOOK'), 'ask_name'],
			[say('Maria Souza'), 'ask_dob'],
			[say('25/03/1984'), 'ask_insurance'],
			[say('Unimed'), 'pick_slot'],
			[pick('slot-1'), 'idle'],
		];
		for (const [message, step] of steps) {
			const [a] = await s.answer([message], settings);
			if (!('decision' in a)) throw a;
			expect([a.state.step, a.language.language, a.language.source]).toEqual([step, 'pt_BR', 'phone']);
		}
		const [last] = await s.answer([say('Oi')], settings);
		expect('decision' in last && last.previousStep).toBe('idle');
	});

	it('a Spanish-writing patient gets Spanish and keeps it while answering; a picked language wins', async () => {
		const { service: s } = await service();
		let [a] = await s.answer([say('Hola, quiero reservar una cita')], settings);
		expect('decision' in a && [a.language.language, a.language.source, a.state.language]).toEqual([
			'es',
			'written',
			'es',
		]);
		[a] = await s.answer([tap('BOOK')], settings);
		[a] = await s.answer([say('none')], settings); // an English word as the name: still Spanish
		expect('decision' in a && a.language.language).toBe('es');
		[a] = await s.answer([tap('LANG:en')], settings);
		expect('decision' in a && [a.language.language, a.state.languageSource]).toEqual(['en', 'picked']);
		[a] = await s.answer([say('Hola, buenos días')], settings);
		expect('decision' in a && [a.language.language, a.language.source]).toEqual(['en', 'picked']);
	});

	it('several messages of one patient in one batch see each other; a missing sender is an error in its place', async () => {
		const { service: s } = await service();
		const answers = await s.answer(
			[tap('BOOK'), say('Maria Souza'), msg({ from: null, userId: null, text: 'hi' }), say('25/03/1984')],
			settings,
		);
		expect(actions(answers)).toEqual(['reply', 'reply', 'error', 'reply']);
		expect('decision' in answers[3] && answers[3].state.step).toBe('ask_insurance');
		expect((answers[2] as Error).message).toMatch(/userId: "" is not a phone number or a WhatsApp user ID/);
	});

	it('forgets a conversation after the idle time', async () => {
		const { service: s } = await service();
		await s.answer([tap('BOOK')], settings);
		now += 23 * HOUR;
		let [a] = await s.answer([say('Maria Souza')], settings);
		expect('decision' in a && a.previousStep).toBe('ask_name');
		now += 24 * HOUR + 1;
		[a] = await s.answer([say('Maria Souza')], settings);
		expect('decision' in a && [a.previousStep, a.decision.action]).toEqual(['idle', 'buttons']);
	});

	it('consent confirmations and ignored messages leave the conversation as it is', async () => {
		const { service: s } = await service();
		await s.answer([tap('BOOK')], settings);
		const [a] = await s.answer(
			[msg({ text: 'BAJA', consent: { action: 'opt_out', language: 'es', replyTo: BR } })],
			settings,
		);
		expect('decision' in a && [a.decision.action, a.language.language]).toEqual(['consent', 'es']);
		await s.answer([msg({ type: 'reaction' })], settings);
		const [b] = await s.answer([say('Maria Souza')], settings);
		expect('decision' in b && b.previousStep).toBe('ask_name');
	});

	it('set puts patients on a step (keeping their language) for days; get reads it back', async () => {
		const { service: s } = await service();
		await s.answer([say('Hola, necesito ayuda')], settings);
		const [set] = await s.set(
			[{ patient: BR, step: 'lab_dob', context: { dobHash: 'abc' }, keepMs: 7 * 24 * HOUR }],
			settings,
		);
		expect(set.state).toMatchObject({ step: 'lab_dob', context: { dobHash: 'abc' }, language: 'es' });
		now += 6 * 24 * HOUR;
		const [got, other] = await s.get([{ patient: BR }, { patient: '5215512345678' }], settings);
		expect([got.stored, got.state.step, got.language.language]).toEqual([true, 'lab_dob', 'es']);
		expect([other.stored, other.state.step, other.language.language, other.language.source]).toEqual([
			false,
			'idle',
			'es',
			'phone',
		]);
		expect(await s.forget([BR])).toBe(1);
		expect((await s.get([{ patient: BR }], settings))[0].stored).toBe(false);
	});

	it('purges expired conversations', async () => {
		const { repository, service: s } = await service();
		await s.answer([say('Oi', '5511900000001'), say('Oi', '5511900000002')], settings);
		expect(await repository.purgeExpired(NOW + 25 * HOUR)).toBe(2);
		expect(await repository.load(['5511900000001'], NOW)).toEqual([null]);
	});
}

describe('ConversationService [memory]', () => {
	contract(async () => new MemoryConversationRepository());
});

const stores: ClinicStore[] = [];
afterAll(async () => {
	await Promise.all(stores.map((s) => s.close()));
});

describeEachBackend('ConversationService', (backend) => {
	const open = async () => {
		const store = await openClinicStore(await backend().fresh(), { cache: false });
		stores.push(store);
		return store;
	};
	contract(async () => new SqlConversationRepository(await open()));

	it('stores the patient and the answers only encrypted, bound to the row', async () => {
		const store = await open();
		const s = new ConversationService(new SqlConversationRepository(store), () => NOW);
		await s.answer([tap('BOOK'), say('Maria Souza'), say('25/03/1984')], settings);
		const rows = await store.query<Record<string, unknown>>('SELECT * FROM clinic_conversations');
		expect(rows).toHaveLength(1);
		const dump = JSON.stringify(rows);
		for (const secret of [BR, 'Maria', 'Souza', '1984']) expect(dump).not.toContain(secret);
		expect(rows[0]).toMatchObject({ step: 'ask_insurance', language: null });
		expect(String(rows[0].context_enc)).toMatch(/^v2:/);
	});

	it('finds conversations written under a previous key, and Rotate Keys rewrites them', async () => {
		const config = await backend().fresh();
		const first = await openClinicStore(config, { cache: false });
		stores.push(first);
		const old = new ConversationService(new SqlConversationRepository(first), () => NOW);
		await old.answer([tap('BOOK'), say('Maria Souza')], settings);
		await first.close();
		const rotated = await openClinicStore(
			{ ...config, phi: { key: 'cd'.repeat(32), keyId: 'k-2026', previousKeys: [config.phi] } },
			{ cache: false },
		);
		stores.push(rotated);
		const s = new ConversationService(new SqlConversationRepository(rotated), () => NOW);
		const [before] = await s.get([{ patient: BR }], settings);
		expect([before.stored, before.state.context]).toEqual([true, { name: 'Maria Souza' }]);
		const report = await rotatePhiKeys(rotated);
		expect(report.rotated).toContainEqual({ table: 'clinic_conversations', label: 'conversation', rows: 1 });
		const [a] = await s.answer([say('25/03/1984')], settings);
		expect('decision' in a && a.state.step).toBe('ask_insurance');
		const rows = await rotated.query<{ n: number }>('SELECT COUNT(*) AS n FROM clinic_conversations');
		expect(Number(rows[0].n)).toBe(1);
	});
});

describe('patientKey', () => {
	it.each([
		['5511912345678', '5511912345678'],
		['+55 (11) 91234-5678', '5511912345678'],
		[5511912345678, '5511912345678'],
		['BR.1234567890abc', 'BR.1234567890abc'],
	])('%j → %s', (value, key) => {
		expect(patientKey(value)).toBe(key);
	});

	it.each(['', 'maria', '12', null])('refuses %j naming the field', (value) => {
		expect(() => patientKey(value, 'Patient')).toThrow(/^Patient: /);
	});
});
