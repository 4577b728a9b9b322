/**
 * Tiny builder for the ship-ready workflows in workflows/*.json (run `tsx scripts/workflows/build.ts`).
 * Node type names are the real ones n8n registers; credentials are referenced by placeholder names that a
 * clinic replaces by picking its own credential after import. Ready-made node parameters: nodes.ts.
 */
import { createHash } from 'node:crypto';

import { STICKY, box, overlaps } from './canvas';

export const PKG = 'n8n-nodes-whatsapp-clinic';
export const CRED = {
	whatsApp: { whatsAppClinicApi: { id: 'REPLACE_ME', name: 'WhatsApp Cloud API (simulator)' } },
	store: { clinicStoreApi: { id: 'REPLACE_ME', name: 'Clinic Store (SQLite)' } },
	both: {},
};
/** Canvas x of node column `col` (columns are 260 px apart). */
export const X = (col: number) => col * 260;

export type Position = [number, number];

export interface NodeJson {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	alwaysOutputData?: boolean;
	onError?: string;
	notes?: string;
	[key: string]: unknown;
}

/** Stable ids derived from names, so regenerated files diff cleanly. */
function stableUuid(seed: string): string {
	const h = createHash('sha256').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Flow {
	nodes: NodeJson[] = [];
	connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	private stickies = 0;

	/**
	 * `settings`: workflow settings on top of the shipped defaults (e.g. a hot webhook path that should not save
	 * every successful execution).
	 */
	constructor(
		readonly name: string,
		readonly slug: string,
		private readonly settings: Record<string, unknown> = {},
	) {}

	add(
		name: string,
		type: string,
		typeVersion: number,
		position: Position,
		parameters: Record<string, unknown>,
		extra: Partial<NodeJson> = {},
	): string {
		const node: NodeJson = {
			id: stableUuid(`${this.slug}/${name}`),
			name,
			type,
			typeVersion,
			position,
			parameters,
			...extra,
		};
		this.nodes.push(node);
		return name;
	}

	/** Connects output `output` of `from` to input 0 of each target. */
	connect(from: string, to: string | string[], output = 0): void {
		const entry = (this.connections[from] ??= { main: [] });
		while (entry.main.length <= output) entry.main.push([]);
		for (const target of Array.isArray(to) ? to : [to])
			entry.main[output].push({ node: target, type: 'main', index: 0 });
	}

	chain(...names: string[]): void {
		for (let i = 0; i < names.length - 1; i++) this.connect(names[i], names[i + 1]);
	}

	/**
	 * A sticky note. A note must never cover a node in the editor: when the position asked for would, the note is
	 * moved left of the leftmost node it would cover (see toJSON).
	 */
	sticky(content: string, position: Position, width = 420, height = 300, color = 4): void {
		this.stickies += 1;
		this.add(`Note ${this.stickies}`, STICKY, 1, position, {
			content,
			width,
			height,
			color,
		});
	}

	/** Sticky notes moved left until they cover no node (nodes never move). */
	private placeStickies(): NodeJson[] {
		const nodes = this.nodes.filter((n) => n.type !== STICKY);
		return this.nodes.map((n) => {
			if (n.type !== STICKY) return n;
			let note = n;
			for (let guard = 0; guard < 20; guard++) {
				const covered = nodes.map(box).filter((b) => overlaps(box(note), b));
				if (!covered.length) break;
				const left = Math.min(...covered.map((b) => b.left));
				const width = Number(note.parameters.width);
				note = { ...note, position: [left - width - 60, note.position[1]] };
			}
			return note;
		});
	}

	webhookId(nodeName: string): string {
		return stableUuid(`${this.slug}/${nodeName}/webhook`);
	}

	toJSON(): Record<string, unknown> {
		return {
			name: this.name,
			nodes: this.placeStickies(),
			connections: this.connections,
			settings: {
				executionOrder: 'v1',
				saveManualExecutions: true,
				timezone: 'America/Sao_Paulo',
				...this.settings,
			},
			pinData: {},
			meta: { templateCredsSetupCompleted: false },
			tags: [],
		};
	}
}
