/** Scenario contract for `npm run e2e`. */
import type { N8nInstance, SimHandle, Stack } from '../stack';

export interface ScenarioContext {
	n8n: N8nInstance;
	sim: SimHandle;
	stack: Stack;
	/** Node types (internal names, without the package prefix) and credential types n8n loaded. */
	loaded: { nodes: string[]; credentials: string[] };
	log(message: string): void;
	/** Registers a cleanup step that runs after the scenario (pass or fail), in reverse order. */
	defer(step: () => Promise<void> | void): void;
}

export interface Scenario {
	name: string;
	/** What the scenario proves, one line (printed in the report). */
	description: string;
	/** Our node types (internal names) and credential types the scenario needs; missing ones fail it early. */
	requires?: { nodes?: string[]; credentials?: string[] };
	run(ctx: ScenarioContext): Promise<void>;
}

export class AssertionError extends Error {}

export function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new AssertionError(message);
}

export function assertEqual<T>(actual: T, expected: T, what: string): void {
	const a = JSON.stringify(actual);
	const e = JSON.stringify(expected);
	if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`);
}
