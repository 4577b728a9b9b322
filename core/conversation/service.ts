/**
 * ConversationService: the bot's use cases over a ConversationRepository, n8n-free.
 *
 * - `answer(messages, settings)`: for each message in order, the patient's conversation (one read for the batch;
 *   a patient's later message sees the state their earlier one left), the patient's language (core/i18n/choose),
 *   the decision (decide.ts), and the state to keep (one write for the batch; idle time from now).
 * - `get(patients, settings)`: each patient's conversation (or a fresh one) with their language, for workflows that
 *   start a conversation (templates in the patient's language) or hand one over.
 * - `set(updates, settings)`: put patients on a step with a context (lab results waiting for the date of birth,
 *   a handoff closed → back to idle), keeping their language.
 */
import { ClinicError } from '../errors';
import { type LanguageChoice, chooseLanguage } from '../i18n/choose';
import { type Language, matchLanguage } from '../i18n/languages';
import { decide } from './decide';
import type { ConversationRepository } from './repositories/port';
import type { Script } from './script';
import {
	type ConversationState,
	type Decision,
	type IncomingMessage,
	type StoredConversation,
	emptyState,
} from './types';

export interface LanguageSettings {
	defaultLanguage: Language;
	/** Step 2 of the language choice (the language the patient writes in). */
	detectFromText: boolean;
	/** Step 3 of the language choice (the phone number's country). */
	useCountry: boolean;
}

export interface ConversationSettings extends LanguageSettings {
	script: Script;
	/** How long a conversation is kept after its last message. */
	idleMs: number;
}

export interface Answer {
	patient: string;
	message: IncomingMessage;
	decision: Decision;
	language: LanguageChoice;
	/** The step the patient was on when the message came. */
	previousStep: string;
	state: ConversationState;
}

export interface PatientConversation {
	patient: string;
	state: ConversationState;
	/** Whether a conversation was stored (not expired). */
	stored: boolean;
	expiresAtMs: number | null;
	language: LanguageChoice;
}

export interface StateUpdate {
	patient: string;
	step: string;
	/** Replaces the context; undefined keeps it. */
	context?: Record<string, unknown>;
	/** How long to keep this conversation (e.g. days while waiting for a lab date of birth). */
	keepMs: number;
}

/** The conversation key of a patient: a WhatsApp user ID as is, a phone number as its digits. */
export function patientKey(value: unknown, field = 'Patient'): string {
	const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (/^[A-Z]{2}\.[A-Za-z0-9]+$/.test(text)) return text;
	const digits = text.replace(/[^\d]/g, '');
	if (digits.length >= 6 && digits.length <= 15 && !/[A-Za-z]/.test(text)) return digits;
	throw new ClinicError(`${field}: "${text.slice(0, 40)}" is not a phone number or a WhatsApp user ID`, {
		code: 'invalid_input',
		field,
		hint: 'Give the patient’s phone number with country code (e.g. 5511912345678) or WhatsApp user ID (e.g. BR.1234567890), e.g. {{ $json.from || $json.userId }} after the WhatsApp Clinic Trigger.',
	});
}

const isQuestionStep = (step: string) =>
	step.startsWith('ask_') || step === 'pick_slot' || step === 'lab_dob';

export class ConversationService {
	constructor(
		private readonly repository: ConversationRepository,
		private readonly clock: () => number = Date.now,
	) {}

	now(): number {
		return this.clock();
	}

	private languageOf(
		state: ConversationState,
		settings: LanguageSettings,
		sender: { phone?: string | null; userId?: string | null },
		text: string | null = null,
		acceptWeak = false,
	): LanguageChoice {
		return chooseLanguage({
			picked: state.languageSource === 'picked' ? state.language : null,
			written: state.languageSource === 'written' ? state.language : null,
			text,
			acceptWeak,
			phone: sender.phone,
			userId: sender.userId,
			clinicDefault: settings.defaultLanguage,
			detectFromText: settings.detectFromText,
			useCountry: settings.useCountry,
		});
	}

	/** Answers a batch of messages; a message without a sender is an error in its place. */
	async answer(
		messages: readonly IncomingMessage[],
		settings: ConversationSettings,
	): Promise<Array<Answer | ClinicError>> {
		const now = this.clock();
		const keys = messages.map((m) => {
			try {
				return patientKey(m.from ?? m.userId, m.from ? 'from' : 'userId');
			} catch (error) {
				return error as ClinicError;
			}
		});
		const wanted = [...new Set(keys.filter((k): k is string => typeof k === 'string'))];
		const loaded = await this.repository.load(wanted, now);
		const states = new Map<string, ConversationState>(wanted.map((k, i) => [k, loaded[i] ?? emptyState()]));
		const changed = new Map<string, StoredConversation>();
		const answers = messages.map((message, i): Answer | ClinicError => {
			const patient = keys[i];
			if (typeof patient !== 'string') return patient;
			const state = states.get(patient) ?? emptyState();
			const decision = decide(message, state, settings.script, now);
			const before = decision.picked
				? { ...state, language: decision.picked, languageSource: 'picked' as const }
				: state;
			const sender = { phone: message.from, userId: message.userId };
			let language = this.languageOf(before, settings, sender, message.text, !isQuestionStep(state.step));
			if (decision.action === 'consent' && language.source !== 'picked') {
				const keyword = matchLanguage(message.consent?.language);
				if (keyword) language = { ...language, language: keyword, source: 'written' };
			}
			const next: ConversationState = {
				step: decision.nextStep,
				context: decision.context,
				language:
					before.languageSource === 'picked' ? before.language : (language.detected ?? before.language),
				languageSource:
					before.languageSource === 'picked'
						? 'picked'
						: language.detected
							? 'written'
							: before.languageSource,
			};
			if (!decision.keepState) {
				states.set(patient, next);
				changed.set(patient, { ...next, patient, updatedAtMs: now, expiresAtMs: now + settings.idleMs });
			}
			return { patient, message, decision, language, previousStep: state.step, state: next };
		});
		await this.repository.save([...changed.values()], now);
		return answers;
	}

	/** Each patient's conversation (a fresh one when none is stored) and language, in the order asked. */
	async get(
		patients: ReadonlyArray<{ patient: string; phone?: string | null; userId?: string | null }>,
		settings: LanguageSettings,
	): Promise<PatientConversation[]> {
		const keys = [...new Set(patients.map((p) => p.patient))];
		const loaded = await this.repository.load(keys, this.clock());
		const byKey = new Map(keys.map((k, i) => [k, loaded[i]]));
		return patients.map((p) => {
			const stored = byKey.get(p.patient) ?? null;
			const state = stored ?? emptyState();
			return {
				patient: p.patient,
				state,
				stored: stored !== null,
				expiresAtMs: stored?.expiresAtMs ?? null,
				language: this.languageOf(state, settings, { phone: p.phone ?? p.patient, userId: p.userId }),
			};
		});
	}

	/** Puts patients on a step (their language is kept); returns their conversations as stored. */
	async set(updates: readonly StateUpdate[], settings: LanguageSettings): Promise<PatientConversation[]> {
		const now = this.clock();
		const current = await this.get(
			updates.map((u) => ({ patient: u.patient })),
			settings,
		);
		const written = updates.map(
			(u, i): StoredConversation => ({
				...current[i].state,
				patient: u.patient,
				step: u.step,
				context: u.context ?? current[i].state.context,
				updatedAtMs: now,
				expiresAtMs: now + u.keepMs,
			}),
		);
		await this.repository.save(written, now);
		return written.map((w, i) => ({
			patient: w.patient,
			state: w,
			stored: true,
			expiresAtMs: w.expiresAtMs,
			language: current[i].language,
		}));
	}

	async forget(patients: readonly string[]): Promise<number> {
		return await this.repository.remove(patients);
	}
}
