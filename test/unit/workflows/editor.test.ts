/**
 * The shipped workflows as a clinic's consultant sees them after import (workflows/*.json):
 * - no node overlaps another node, and no sticky note covers a node (bounding boxes from scripts/workflows/canvas.ts:
 *   n8n's node size, taller with more outputs, plus the label under it; sticky notes' width and height);
 * - every node of this package shows a subtitle that says something (evaluated as the editor does: n8n-workflow's
 *   expression engine over the node's parameters, where a resource locator is its value);
 * - no Code node over 30 lines (the logic lives in tested nodes: Clinic Conversation, Audit Log…);
 * - nothing needs creating by hand on import (no n8n data table).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type INode, type INodeType, type INodeTypes, type IConnections, Workflow } from 'n8n-workflow';

import { STICKY, box, collisions, overlaps } from '../../../scripts/workflows/canvas';

const ROOT = join(__dirname, '../../..');
const DIR = join(ROOT, 'workflows');
const PKG = 'n8n-nodes-whatsapp-clinic';

interface WorkflowFile {
	name: string;
	nodes: Array<INode & { parameters: Record<string, unknown> }>;
	connections: IConnections;
}

const files = readdirSync(DIR)
	.filter((f) => f.endsWith('.json'))
	.sort();
const load = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as WorkflowFile;

/** This package's node types, from package.json's n8n block (source files, not dist). */
function packageNodeTypes(): Map<string, INodeType> {
	const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	const types = new Map<string, INodeType>();
	for (const dist of pkg.n8n.nodes) {
		const source = join(ROOT, dist.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const mod = require(source) as Record<string, new () => INodeType>;
		for (const Type of Object.values(mod)) {
			if (typeof Type !== 'function') continue;
			const node = new Type();
			if (node.description?.name) types.set(`${PKG}.${node.description.name}`, node);
		}
	}
	return types;
}

describe('shipped workflows in the editor', () => {
	it('there are workflows to check', () => {
		expect(files).toEqual(
			expect.arrayContaining(['01-patient-inbox-booking-bot.json', '02-appointment-reminders.json']),
		);
	});

	it.each(files)('%s: no node overlaps another, no sticky note covers a node', (file) => {
		const wf = load(file);
		const nodes = wf.nodes.filter((n) => n.type !== STICKY);
		const notes = wf.nodes.filter((n) => n.type === STICKY);
		const covered = notes.flatMap((note) =>
			nodes.filter((n) => overlaps(box(note), box(n))).map((n) => `${note.name} covers ${n.name}`),
		);
		expect({ overlapping: collisions(nodes), covered }).toEqual({ overlapping: [], covered: [] });
	});

	it.each(files)('%s: no Code node over 30 lines, no data table to create', (file) => {
		const wf = load(file);
		const long = wf.nodes
			.filter((n) => n.type === 'n8n-nodes-base.code')
			.map((n) => [n.name, String(n.parameters.jsCode ?? '').split('\n').length] as const)
			.filter(([, lines]) => lines > 30);
		expect(long).toEqual([]);
		expect(wf.nodes.filter((n) => n.type === 'n8n-nodes-base.dataTable').map((n) => n.name)).toEqual([]);
	});

	describe('subtitles', () => {
		const types = packageNodeTypes();
		const nodeTypes: INodeTypes = {
			getByName: (type) => types.get(type) as INodeType,
			getByNameAndVersion: (type) => types.get(type) as INodeType,
			getKnownTypes: () => ({}),
		};

		it.each(files)('%s: every node of this package says something under its name', (file) => {
			const wf = load(file);
			const ours = wf.nodes.filter((n) => n.type.startsWith(`${PKG}.`));
			const workflow = new Workflow({
				nodes: ours,
				connections: {},
				active: false,
				nodeTypes,
			});
			const empty: string[] = [];
			for (const node of ours) {
				const subtitle = types.get(node.type)?.description.subtitle;
				if (!subtitle) {
					empty.push(`${node.name}: no subtitle`);
					continue;
				}
				let shown: unknown;
				try {
					shown = workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {}, undefined, '');
				} catch (error) {
					shown = `(error: ${(error as Error).message})`;
				}
				const text = String(shown ?? '').trim();
				if (!text || /:$/.test(text) || /undefined|\(error/.test(text)) empty.push(`${node.name}: "${text}"`);
			}
			expect(empty).toEqual([]);
		});

		it('Send Template shows the name of a template chosen by name (not "Template:" alone)', () => {
			const node = {
				id: '1',
				name: 'Send reminder',
				type: `${PKG}.whatsAppSendTemplate`,
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters: { template: { __rl: true, mode: 'name', value: 'appointment_reminder|pt_BR' } },
			};
			const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
			const subtitle = types.get(node.type)!.description.subtitle!;
			expect(workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {})).toBe(
				'Template: appointment_reminder',
			);
		});
	});
});
