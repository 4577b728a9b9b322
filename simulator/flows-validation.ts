/**
 * Flow JSON validation as Meta's Flows API reports it when a Flow JSON is uploaded (`POST /{flow-id}/assets`) or a
 * Flow is created with `flow_json`: a list of `validation_errors`, each `{error, error_type: "FLOW_JSON_ERROR",
 * message, line_start, line_end, column_start, column_end, pointers: [{…, path}]}` pointing into the uploaded text
 * (Meta's error example: `INVALID_PROPERTY_VALUE` "Invalid value found for property 'type'." at
 * `screens[0].layout.children[0].type`). A Flow with validation errors stays DRAFT and cannot be published.
 *
 * Independent of core/flows/flow-json.ts's rules on purpose (only its component walk is shared): the simulator
 * plays Meta, so it is a second opinion on the package's own pre-upload check. Covered: the components of the shipped booking Flow plus the common ones
 * (TextHeading, TextSubheading, TextBody, TextCaption, TextInput, TextArea, Dropdown, RadioButtonsGroup,
 * CheckboxGroup, DatePicker, OptIn, Footer, EmbeddedLink, Image, If, Switch), their required properties, screens
 * an action or the routing model names, `${data.x}` / `${form.x}` references, one Footer per screen, a terminal
 * screen with a Footer, and `data_exchange` only with `data_api_version`. Unsupported versions are Graph errors
 * (code 100, "Invalid Flow JSON version"), as Meta's error-code table lists them.
 */
import { flattenComponents } from '../core/flows/flow-json';

export type Rec = Record<string, unknown>;
export const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

export const FLOW_JSON_VERSIONS = ['5.0', '5.1', '6.0', '6.1', '6.2', '6.3', '7.0', '7.1', '7.2', '7.3'];
export const DATA_API_VERSIONS = ['3.0', '4.0'];

interface Span {
	line_start: number;
	line_end: number;
	column_start: number;
	column_end: number;
}

export interface FlowValidationError extends Span {
	error: string;
	error_type: 'FLOW_JSON_ERROR';
	message: string;
	pointers: Array<Span & { path: string }>;
}

/** Required properties per component type (Meta's Flow JSON component reference). */
const COMPONENTS: Record<string, string[]> = {
	TextHeading: ['text'],
	TextSubheading: ['text'],
	TextBody: ['text'],
	TextCaption: ['text'],
	RichText: ['text'],
	TextInput: ['name', 'label'],
	TextArea: ['name', 'label'],
	Dropdown: ['name', 'label', 'data-source'],
	RadioButtonsGroup: ['name', 'label', 'data-source'],
	CheckboxGroup: ['name', 'data-source'],
	ChipsSelector: ['name', 'label', 'data-source'],
	DatePicker: ['name', 'label'],
	CalendarPicker: ['name', 'label'],
	OptIn: ['name', 'label'],
	Footer: ['label', 'on-click-action'],
	EmbeddedLink: ['text', 'on-click-action'],
	Image: ['src'],
	If: ['condition', 'then'],
	Switch: ['value', 'cases'],
	Form: ['name', 'children'],
};
export const INPUT_TYPES = new Set([
	'TextInput',
	'TextArea',
	'Dropdown',
	'RadioButtonsGroup',
	'CheckboxGroup',
	'ChipsSelector',
	'DatePicker',
	'CalendarPicker',
	'OptIn',
]);
const ACTIONS = new Set(['navigate', 'data_exchange', 'complete', 'update_data', 'open_url']);

/** Where each value of the (valid) JSON text starts and ends, by its path (`screens[0].layout.children[1]`). */
function spans(text: string): Map<string, Span> {
	const map = new Map<string, Span>();
	let i = 0;
	let line = 1;
	let col = 1;
	const adv = () => {
		if (text[i] === '\n') {
			line += 1;
			col = 1;
		} else col += 1;
		i += 1;
	};
	const ws = () => {
		while (i < text.length && /\s/.test(text[i])) adv();
	};
	const str = (): string => {
		const start = i;
		adv();
		while (i < text.length && text[i] !== '"') {
			if (text[i] === '\\') adv();
			adv();
		}
		adv();
		return JSON.parse(text.slice(start, i)) as string;
	};
	const value = (path: string): void => {
		ws();
		const start = { line, col };
		const ch = text[i];
		const close = ch === '{' ? '}' : ']';
		if (ch === '{' || ch === '[') {
			adv();
			ws();
			let index = 0;
			while (i < text.length && text[i] !== close) {
				if (ch === '{') {
					const key = str();
					ws();
					adv(); // :
					value(path ? `${path}.${key}` : key);
				} else value(`${path}[${index++}]`);
				ws();
				if (text[i] === ',') adv();
				ws();
			}
			adv();
		} else if (ch === '"') str();
		else while (i < text.length && /[^,\]}\s]/.test(text[i])) adv();
		map.set(path, { line_start: start.line, column_start: start.col, line_end: line, column_end: col });
	};
	value('');
	return map;
}

class Collector {
	readonly errors: FlowValidationError[] = [];
	constructor(private readonly where: Map<string, Span>) {}
	add(error: string, message: string, path: string) {
		let at = path;
		while (at && !this.where.has(at)) at = at.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
		const span = this.where.get(at) ?? { line_start: 1, line_end: 1, column_start: 1, column_end: 1 };
		this.errors.push({
			error,
			error_type: 'FLOW_JSON_ERROR',
			message,
			...span,
			pointers: [{ ...span, path }],
		});
	}
}

/** `${data.x}` / `${form.x}` names used anywhere inside a value. */
function refs(value: unknown, kind: 'data' | 'form', out: string[] = []): string[] {
	if (typeof value === 'string')
		for (const m of value.matchAll(new RegExp(`\\$\\{${kind}\\.([A-Za-z0-9_]+)`, 'g'))) out.push(m[1]);
	else if (Array.isArray(value)) value.forEach((v) => refs(v, kind, out));
	else if (isRec(value)) Object.values(value).forEach((v) => refs(v, kind, out));
	return out;
}

function checkAction(action: unknown, path: string, screens: Set<string>, endpoint: boolean, col: Collector) {
	if (!isRec(action) || typeof action.name !== 'string') {
		col.add('MISSING_REQUIRED_PROPERTY', "Missing required property 'name'.", path);
		return;
	}
	if (!ACTIONS.has(action.name))
		col.add('INVALID_PROPERTY_VALUE', "Invalid value found for property 'name'.", `${path}.name`);
	if (action.name === 'navigate') {
		const next = isRec(action.next) ? action.next.name : undefined;
		if (typeof next !== 'string')
			col.add('MISSING_REQUIRED_PROPERTY', "Missing required property 'next'.", path);
		else if (!screens.has(next))
			col.add('INVALID_SCREEN_ID', `Screen '${next}' does not exist in the Flow.`, `${path}.next.name`);
	}
	if (action.name === 'data_exchange' && !endpoint)
		col.add(
			'INVALID_ACTION',
			"Action 'data_exchange' requires 'data_api_version' (a Flow with an endpoint).",
			`${path}.name`,
		);
}

function checkScreen(screen: Rec, si: number, screens: Set<string>, endpoint: boolean, col: Collector) {
	const path = `screens[${si}]`;
	const layout = isRec(screen.layout) ? screen.layout : undefined;
	if (!layout) return col.add('MISSING_REQUIRED_PROPERTY', "Missing required property 'layout'.", path);
	if (layout.type !== 'SingleColumnLayout')
		col.add('INVALID_PROPERTY_VALUE', "Invalid value found for property 'type'.", `${path}.layout.type`);
	const declared = isRec(screen.data) ? screen.data : {};
	const inputs = new Set<string>();
	let footers = 0;
	for (const { c, path: p } of flattenComponents(layout.children, `${path}.layout.children`)) {
		const type = typeof c.type === 'string' ? c.type : '';
		const required = COMPONENTS[type];
		if (!required) {
			col.add('INVALID_PROPERTY_VALUE', "Invalid value found for property 'type'.", `${p}.type`);
			continue;
		}
		for (const prop of required)
			if (c[prop] === undefined || c[prop] === '')
				col.add('MISSING_REQUIRED_PROPERTY', `Missing required property '${prop}'.`, p);
		if (INPUT_TYPES.has(type) && typeof c.name === 'string') {
			if (inputs.has(c.name))
				col.add('DUPLICATE_COMPONENT_NAME', `Component name '${c.name}' is used twice.`, `${p}.name`);
			inputs.add(c.name);
		}
		if (Array.isArray(c['data-source']) && c['data-source'].some((o) => !isRec(o) || !o.id || !o.title))
			col.add(
				'INVALID_PROPERTY_VALUE',
				"Invalid value found for property 'data-source'.",
				`${p}.data-source`,
			);
		if (type === 'Footer') footers += 1;
		for (const key of ['on-click-action', 'on-select-action', 'on-unselect-action'])
			if (c[key] !== undefined) checkAction(c[key], `${p}.${key}`, screens, endpoint, col);
	}
	if (footers > 1)
		col.add('TOO_MANY_FOOTERS', 'Only one Footer is allowed per screen.', `${path}.layout.children`);
	if (screen.terminal === true && footers === 0)
		col.add('MISSING_FOOTER', 'A terminal screen must have a Footer.', `${path}.layout`);
	for (const name of refs(layout.children, 'data'))
		if (!(name in declared))
			col.add(
				'INVALID_DATA_REFERENCE',
				`Data '${name}' is not declared in the screen's data.`,
				`${path}.data`,
			);
	for (const name of refs(layout.children, 'form'))
		if (!inputs.has(name))
			col.add('INVALID_FORM_REFERENCE', `Form field '${name}' is not a component of this screen.`, path);
	if (endpoint)
		for (const [key, spec] of Object.entries(declared))
			if (!isRec(spec) || !('__example__' in spec))
				col.add(
					'MISSING_REQUIRED_PROPERTY',
					"Missing required property '__example__'.",
					`${path}.data.${key}`,
				);
}

export interface FlowJsonCheck {
	/** A Graph-level problem (not JSON, unsupported version): Meta answers code 100 instead of validation errors. */
	fatal?: string;
	flow?: Rec;
	jsonVersion?: string;
	dataApiVersion?: string;
	errors: FlowValidationError[];
}

export function checkFlowJson(text: string): FlowJsonCheck {
	let flow: unknown;
	try {
		flow = JSON.parse(text);
	} catch {
		return { fatal: 'Invalid Flow JSON file: the file is not valid JSON.', errors: [] };
	}
	if (!isRec(flow)) return { fatal: 'Invalid Flow JSON file: the file must hold a JSON object.', errors: [] };
	const jsonVersion = typeof flow.version === 'string' ? flow.version : undefined;
	if (!jsonVersion || !FLOW_JSON_VERSIONS.includes(jsonVersion))
		return { fatal: `Invalid Flow JSON version: "${String(flow.version ?? '')}".`, errors: [] };
	const api = flow.data_api_version;
	if (api !== undefined && !DATA_API_VERSIONS.includes(String(api)))
		return { fatal: `Invalid Flow JSON data_api_version: "${String(api)}".`, errors: [] };
	const col = new Collector(spans(text));
	const endpoint = api !== undefined;
	const screens = Array.isArray(flow.screens) ? flow.screens : [];
	if (!screens.length)
		col.add('MISSING_REQUIRED_PROPERTY', "Missing required property 'screens'.", 'screens');
	const ids = new Set<string>();
	screens.forEach((s, i) => {
		const id = isRec(s) ? s.id : undefined;
		if (typeof id !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(id))
			col.add('INVALID_PROPERTY_VALUE', "Invalid value found for property 'id'.", `screens[${i}].id`);
		else if (id === 'SUCCESS')
			col.add('RESERVED_SCREEN_ID', "Screen id 'SUCCESS' is reserved.", `screens[${i}].id`);
		else if (ids.has(id))
			col.add('DUPLICATE_SCREEN_ID', `Screen id '${id}' is used twice.`, `screens[${i}].id`);
		else ids.add(id);
	});
	if (screens.length && !screens.some((s) => isRec(s) && s.terminal === true))
		col.add('MISSING_TERMINAL_SCREEN', 'At least one screen must be terminal.', 'screens');
	if (endpoint && !isRec(flow.routing_model))
		col.add('MISSING_REQUIRED_PROPERTY', "Missing required property 'routing_model'.", '');
	if (isRec(flow.routing_model))
		for (const [from, to] of Object.entries(flow.routing_model)) {
			if (!ids.has(from))
				col.add(
					'INVALID_ROUTING_MODEL',
					`Screen '${from}' does not exist in the Flow.`,
					`routing_model.${from}`,
				);
			for (const [k, target] of (Array.isArray(to) ? to : []).entries())
				if (!ids.has(String(target)))
					col.add(
						'INVALID_ROUTING_MODEL',
						`Screen '${String(target)}' does not exist in the Flow.`,
						`routing_model.${from}[${k}]`,
					);
		}
	screens.forEach((s, i) => isRec(s) && checkScreen(s, i, ids, endpoint, col));
	return { flow, jsonVersion, dataApiVersion: endpoint ? String(api) : undefined, errors: col.errors };
}
