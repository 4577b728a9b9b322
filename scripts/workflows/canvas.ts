/**
 * How much room a node takes on n8n's canvas (editor 2.x): a node is 100 × 100 px at its `position` (top-left),
 * 32 px taller for each input or output beyond two (n8n's `calculateNodeSize`: 100 + (handles − 2) × 2 × 16), with
 * its name and subtitle written under it (LABEL_HEIGHT). Sticky notes are `parameters.width` × `parameters.height`.
 * The workflow builder keeps sticky notes clear of nodes with this, and test/unit/workflows/canvas.test.ts checks
 * every shipped workflow with it.
 */
import { ANSWER_OUTPUTS } from '../../core/conversation/types';

export const NODE_WIDTH = 100;
export const NODE_HEIGHT = 100;
/** Room for the node's name and subtitle under it. */
export const LABEL_HEIGHT = 40;
const HANDLE_STEP = 32;

export interface CanvasNode {
	name: string;
	type: string;
	position: [number, number];
	parameters: Record<string, unknown>;
}

export interface Box {
	name: string;
	left: number;
	top: number;
	right: number;
	bottom: number;
}

export const STICKY = 'n8n-nodes-base.stickyNote';
const PKG = 'n8n-nodes-whatsapp-clinic';

/** How many main outputs a node shows on the canvas. */
export function outputCount(node: CanvasNode): number {
	const p = node.parameters;
	switch (node.type) {
		case 'n8n-nodes-base.switch':
			return p.mode === 'expression'
				? Number(p.numberOutputs ?? 4)
				: ((p.rules as { values?: unknown[] } | undefined)?.values?.length ?? 0) + 1;
		case 'n8n-nodes-base.if':
		case 'n8n-nodes-base.splitInBatches':
			return 2;
		case `${PKG}.consentCheck`:
			return (p.operation ?? 'check') === 'check' ? 2 : 1;
		case `${PKG}.clinicConversation`:
			return (p.operation ?? 'answer') === 'answer' ? ANSWER_OUTPUTS.length : 1;
		default:
			return 1;
	}
}

export function box(node: CanvasNode): Box {
	const [x, y] = node.position;
	if (node.type === STICKY) {
		const width = Number(node.parameters.width ?? 240);
		const height = Number(node.parameters.height ?? 160);
		return { name: node.name, left: x, top: y, right: x + width, bottom: y + height };
	}
	const height = NODE_HEIGHT + Math.max(0, outputCount(node) - 2) * HANDLE_STEP;
	return { name: node.name, left: x, top: y, right: x + NODE_WIDTH, bottom: y + height + LABEL_HEIGHT };
}

export function overlaps(a: Box, b: Box): boolean {
	return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Every pair of boxes that overlap, as "A / B". */
export function collisions(nodes: readonly CanvasNode[]): string[] {
	const boxes = nodes.map(box);
	const found: string[] = [];
	for (let i = 0; i < boxes.length; i++)
		for (let j = i + 1; j < boxes.length; j++)
			if (overlaps(boxes[i], boxes[j])) found.push(`${boxes[i].name} / ${boxes[j].name}`);
	return found;
}
