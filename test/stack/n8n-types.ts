/** Shapes the dev stack exchanges with n8n's public API: credentials, workflow exports and executions. */
export interface CredentialSpec {
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** An n8n workflow export (as in workflows/*.json) or a path to one. */
export type WorkflowSpec = string | WorkflowJson;

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
	[key: string]: unknown;
}

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id?: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	data?: {
		resultData: {
			runData: Record<
				string,
				Array<{ data?: { main?: Array<Array<{ json: Record<string, any> }> | null> }; error?: unknown }>
			>;
			error?: { message?: string; description?: string };
			lastNodeExecuted?: string;
		};
	};
}
