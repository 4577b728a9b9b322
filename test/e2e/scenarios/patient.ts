/** A simulated patient chatting with the clinic number through the simulator's control API. */
import { sleep, waitUntil } from '../../stack/proc';
import type { SimOutbound } from '../../stack/sim';
import type { ScenarioContext } from '../scenario';

export class Patient {
	private seen = 0;
	constructor(
		private readonly ctx: ScenarioContext,
		readonly phone: string,
		readonly name: string,
	) {}

	async messages(): Promise<SimOutbound[]> {
		return this.ctx.sim.messages({ to: this.phone });
	}

	/** Sends an inbound message and waits for the clinic's answer(s); returns the new outbound messages. */
	async send(
		body: Record<string, unknown>,
		options: { expect?: number; timeoutMs?: number } = {},
	): Promise<SimOutbound[]> {
		const before = (await this.messages()).length;
		this.seen = before;
		await this.ctx.sim.inbound({ from: this.phone, name: this.name, ...body });
		const expect = options.expect ?? 1;
		if (expect === 0) {
			await sleep(2500);
			return (await this.messages()).slice(before);
		}
		const list = await waitUntil(
			`${expect} answer(s) to ${this.phone} after ${JSON.stringify(body).slice(0, 80)}`,
			async () => {
				const all = await this.messages();
				return all.length >= before + expect ? all : undefined;
			},
			options.timeoutMs ?? 30_000,
			150,
		);
		await sleep(300);
		const all = await this.messages();
		this.seen = all.length;
		return (all.length > list.length ? all : list).slice(before);
	}

	say(text: string, options?: { expect?: number }) {
		return this.send({ type: 'text', text }, options);
	}
	tapButton(id: string, title: string, options?: { expect?: number }) {
		return this.send({ type: 'button_reply', id, title }, options);
	}
	pickRow(id: string, title: string, options?: { expect?: number }) {
		return this.send({ type: 'list_reply', id, title }, options);
	}
	tapQuickReply(payload: string, text: string, options?: { expect?: number }) {
		return this.send({ type: 'button', payload, text }, options);
	}
}

/** Text the patient sees in an outbound message (body of text/interactive/template). */
export function textOf(m: SimOutbound | undefined): string {
	if (!m) return '';
	const r = m.rendered as { body?: string } | undefined;
	return String(r?.body ?? m.request?.text?.body ?? '');
}

export function listRows(
	m: SimOutbound | undefined,
): Array<{ id: string; title: string; description?: string }> {
	const sections = (m?.request?.interactive?.action?.sections ?? []) as Array<{
		rows: Array<{ id: string; title: string }>;
	}>;
	return sections.flatMap((s) => s.rows);
}

export function buttonIds(m: SimOutbound | undefined): string[] {
	const buttons = (m?.request?.interactive?.action?.buttons ?? []) as Array<{ reply: { id: string } }>;
	return buttons.map((b) => b.reply.id);
}

export function buttonTitles(m: SimOutbound | undefined): string[] {
	const buttons = (m?.request?.interactive?.action?.buttons ?? []) as Array<{ reply: { title: string } }>;
	return buttons.map((b) => b.reply.title);
}
