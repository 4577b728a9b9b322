/**
 * What n8n-workflow's own expression code (the path `getNodeParameter` takes) makes of a parameter value on one input
 * item, for tests that hold the package's reading of parameters to n8n's.
 */
import {
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRunExecutionData,
	Workflow,
} from 'n8n-workflow';

const STUB = { description: { properties: [] } } as unknown as INodeType;
const nodeTypes = { getByName: () => STUB, getByNameAndVersion: () => STUB } as unknown as INodeTypes;
const PROBE: INode = {
	id: '1',
	name: 'Probe',
	type: 'probe',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** n8n's value of parameter value `raw` for item `json` (throws what n8n throws). */
export function n8nParameterValue(raw: string, json: Record<string, unknown>, node: INode = PROBE): unknown {
	// n8n's Workflow rewrites a node's parameters to its type's, so it gets a copy.
	const workflow = new Workflow({
		nodes: [structuredClone(node)],
		connections: {},
		active: false,
		nodeTypes,
	});
	const items: INodeExecutionData[] = [{ json: json as INodeExecutionData['json'] }];
	const run = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	return workflow.expression.getParameterValue(raw, run, 0, 0, node.name, items, 'manual', {});
}
