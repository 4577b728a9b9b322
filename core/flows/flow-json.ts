/**
 * Flow JSON validation before a Flow is uploaded or published, with the checks the WhatsApp client and Meta's
 * publisher make that a clinic meets first (docs/flows.md lists the sources): supported `version` and
 * `data_api_version`, a routing model that only names existing screens, one Footer per screen, terminal screens
 * with a Footer, unique input names, `${data.x}` only for declared screen data, `${form.x}` only for inputs of the
 * screen, actions Meta knows (navigate / data_exchange / complete) and their targets, and the component types.
 *
 * Errors use Meta's `validation_errors` shape ({error, error_type, message, pointers}) so the simulator can answer
 * with them and the node can list them.
 */
export const PUBLISHABLE_FLOW_JSON_VERSIONS = [
	'5.1',
	'6.0',
	'6.1',
	'6.2',
	'6.3',
	'7.0',
	'7.1',
	'7.2',
	'7.3',
] as const;
export const RECOMMENDED_FLOW_JSON_VERSION = '7.3';
export const DATA_API_VERSIONS = ['3.0', '4.0'] as const;
export const FLOW_MESSAGE_VERSION = '3';

export interface FlowValidationError {
	error: string;
	error_type: 'FLOW_JSON_ERROR';
	message: string;
	/** JSON path of the offending value, e.g. screens[2].layout.children[1].label. */
	pointers: string[];
}

const TEXT_COMPONENTS = ['TextHeading', 'TextSubheading', 'TextBody', 'TextCaption', 'RichText'];
const INPUT_COMPONENTS = [
	'TextInput',
	'TextArea',
	'Dropdown',
	'RadioButtonsGroup',
	'CheckboxGroup',
	'ChipsSelector',
	'DatePicker',
	'CalendarPicker',
	'OptIn',
	'PhotoPicker',
	'DocumentPicker',
];
const OTHER_COMPONENTS = [
	'Footer',
	'EmbeddedLink',
	'Image',
	'ImageCarousel',
	'If',
	'Switch',
	'Form',
	'NavigationList',
];
export const KNOWN_COMPONENTS = new Set([...TEXT_COMPONENTS, ...INPUT_COMPONENTS, ...OTHER_COMPONENTS]);
const OPTION_COMPONENTS = new Set(['Dropdown', 'RadioButtonsGroup', 'CheckboxGroup', 'ChipsSelector']);
const INPUT_TYPES = new Set(['text', 'number', 'email', 'password', 'passcode', 'phone']);
const ACTIONS = new Set(['navigate', 'data_exchange', 'complete', 'update_data', 'open_url']);
export const FOOTER_LABEL_MAX = 35;
const MAX_COMPONENTS = 50;
const MAX_OPTIONS = 200;
const SCREEN_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

class Collector {
	readonly errors: FlowValidationError[] = [];
	add(error: string, message: string, pointer: string) {
		this.errors.push({ error, error_type: 'FLOW_JSON_ERROR', message, pointers: [pointer] });
	}
}

/** `${data.x}` / `${form.x}` references inside any string of a value. */
function references(value: unknown, kind: 'data' | 'form', out: Array<{ name: string }> = []) {
	if (typeof value === 'string') {
		const re = kind === 'data' ? /\$\{data\.([A-Za-z0-9_]+)/g : /\$\{form\.([A-Za-z0-9_]+)/g;
		for (const m of value.matchAll(re)) out.push({ name: m[1] });
	} else if (Array.isArray(value)) value.forEach((v) => references(v, kind, out));
	else if (isRec(value)) Object.values(value).forEach((v) => references(v, kind, out));
	return out;
}

/** Components of a screen in document order, with their paths (Form, If and Switch children included). */
export function flattenComponents(
	children: unknown,
	path: string,
	out: Array<{ c: Rec; path: string }> = [],
) {
	if (!Array.isArray(children)) return out;
	children.forEach((child, i) => {
		const p = `${path}[${i}]`;
		if (!isRec(child)) return;
		out.push({ c: child, path: p });
		if (Array.isArray(child.children)) flattenComponents(child.children, `${p}.children`, out);
		if (Array.isArray(child.then)) flattenComponents(child.then, `${p}.then`, out);
		if (Array.isArray(child.else)) flattenComponents(child.else, `${p}.else`, out);
		if (isRec(child.cases))
			for (const [k, v] of Object.entries(child.cases)) flattenComponents(v, `${p}.cases.${k}`, out);
	});
	return out;
}

function checkAction(
	action: unknown,
	path: string,
	screens: Set<string>,
	hasEndpoint: boolean,
	col: Collector,
) {
	if (!isRec(action) || typeof action.name !== 'string') {
		col.add(
			'MISSING_REQUIRED_PROPERTY',
			'The action needs a "name" (navigate, data_exchange or complete)',
			path,
		);
		return;
	}
	if (!ACTIONS.has(action.name)) {
		col.add('INVALID_PROPERTY_VALUE', `Unknown action "${action.name}"`, `${path}.name`);
		return;
	}
	if (action.name === 'navigate') {
		const next = isRec(action.next) ? action.next.name : undefined;
		if (typeof next !== 'string' || !screens.has(next))
			col.add(
				'INVALID_NAVIGATION',
				`navigate goes to "${String(next)}", which is not a screen`,
				`${path}.next.name`,
			);
	}
	if (action.name === 'data_exchange' && !hasEndpoint)
		col.add(
			'MISSING_DATA_API_VERSION',
			'data_exchange needs "data_api_version" (a Flow with a data endpoint)',
			`${path}.name`,
		);
}

function checkScreen(screen: Rec, si: number, screens: Set<string>, hasEndpoint: boolean, col: Collector) {
	const path = `screens[${si}]`;
	const layout = isRec(screen.layout) ? screen.layout : undefined;
	if (!layout || layout.type !== 'SingleColumnLayout') {
		col.add('INVALID_PROPERTY_VALUE', 'layout.type must be "SingleColumnLayout"', `${path}.layout.type`);
		return;
	}
	const components = flattenComponents(layout.children, `${path}.layout.children`);
	if (components.filter((x) => x.c.type !== 'Form').length > MAX_COMPONENTS)
		col.add(
			'TOO_MANY_COMPONENTS',
			`A screen has at most ${MAX_COMPONENTS} components`,
			`${path}.layout.children`,
		);
	const declared = isRec(screen.data) ? screen.data : {};
	for (const [key, spec] of Object.entries(declared)) {
		if (hasEndpoint && (!isRec(spec) || !('__example__' in spec)))
			col.add(
				'MISSING_REQUIRED_PROPERTY',
				`Screen data "${key}" needs a "type" and an "__example__"`,
				`${path}.data.${key}`,
			);
	}
	const inputs = new Set<string>();
	let footers = 0;
	for (const { c, path: p } of components) {
		const type = String(c.type ?? '');
		if (!KNOWN_COMPONENTS.has(type)) {
			col.add('INVALID_COMPONENT_TYPE', `Unknown component type "${type}"`, `${p}.type`);
			continue;
		}
		if (TEXT_COMPONENTS.includes(type) && (c.text === undefined || c.text === ''))
			col.add('MISSING_REQUIRED_PROPERTY', `${type} needs "text"`, `${p}.text`);
		if (INPUT_COMPONENTS.includes(type)) {
			if (typeof c.name !== 'string' || c.name === '')
				col.add('MISSING_REQUIRED_PROPERTY', `${type} needs a "name"`, `${p}.name`);
			else if (inputs.has(c.name))
				col.add('DUPLICATE_NAME', `Two inputs on this screen are named "${c.name}"`, `${p}.name`);
			else inputs.add(c.name);
			if (type !== 'OptIn' && (typeof c.label !== 'string' || c.label === ''))
				col.add('MISSING_REQUIRED_PROPERTY', `${type} needs a "label"`, `${p}.label`);
		}
		if (type === 'TextInput' && c['input-type'] !== undefined && !INPUT_TYPES.has(String(c['input-type'])))
			col.add(
				'INVALID_PROPERTY_VALUE',
				`input-type "${String(c['input-type'])}" is not supported`,
				`${p}.input-type`,
			);
		if (OPTION_COMPONENTS.has(type)) {
			const source = c['data-source'];
			if (Array.isArray(source)) {
				if (source.length === 0 || source.length > MAX_OPTIONS)
					col.add(
						'INVALID_PROPERTY_VALUE',
						`data-source needs 1 to ${MAX_OPTIONS} options`,
						`${p}.data-source`,
					);
				source.forEach((o, oi) => {
					if (!isRec(o) || typeof o.id !== 'string' || typeof o.title !== 'string')
						col.add(
							'INVALID_PROPERTY_VALUE',
							'Each option needs a string "id" and "title"',
							`${p}.data-source[${oi}]`,
						);
				});
			} else if (typeof source !== 'string' || !source.startsWith('${data.'))
				col.add(
					'MISSING_REQUIRED_PROPERTY',
					`${type} needs a "data-source" (options or \${data.…})`,
					`${p}.data-source`,
				);
		}
		if (type === 'Footer') {
			footers += 1;
			const label = c.label;
			if (typeof label !== 'string' || label === '')
				col.add('MISSING_REQUIRED_PROPERTY', 'Footer needs a "label"', `${p}.label`);
			else if (!label.startsWith('${') && label.length > FOOTER_LABEL_MAX)
				col.add(
					'INVALID_PROPERTY_VALUE',
					`Footer label is over ${FOOTER_LABEL_MAX} characters`,
					`${p}.label`,
				);
			checkAction(c['on-click-action'], `${p}.on-click-action`, screens, hasEndpoint, col);
		}
		for (const key of ['on-select-action', 'on-click-action'] as const)
			if (type !== 'Footer' && c[key] !== undefined)
				checkAction(c[key], `${p}.${key}`, screens, hasEndpoint, col);
	}
	if (footers > 1) col.add('TOO_MANY_FOOTERS', 'A screen has at most one Footer', `${path}.layout.children`);
	if (screen.terminal === true && footers === 0)
		col.add('MISSING_FOOTER', 'A terminal screen needs a Footer', `${path}.layout.children`);
	for (const ref of references(layout.children, 'data'))
		if (!(ref.name in declared))
			col.add(
				'UNDECLARED_DATA',
				`\${data.${ref.name}} is not declared in the screen's "data"`,
				`${path}.data`,
			);
	for (const ref of references(layout.children, 'form'))
		if (!inputs.has(ref.name))
			col.add('UNKNOWN_FORM_FIELD', `\${form.${ref.name}} is not an input of this screen`, `${path}.layout`);
}

/** Every problem found (empty = valid). Accepts the parsed JSON or its text. */
export function validateFlowJson(input: unknown): FlowValidationError[] {
	const col = new Collector();
	let flow: unknown = input;
	if (typeof input === 'string') {
		try {
			flow = JSON.parse(input);
		} catch (error) {
			col.add('INVALID_JSON', `The Flow JSON is not valid JSON: ${(error as Error).message}`, '');
			return col.errors;
		}
	}
	if (!isRec(flow)) {
		col.add('INVALID_JSON', 'The Flow JSON must be an object', '');
		return col.errors;
	}
	const version = String(flow.version ?? '');
	if (!(PUBLISHABLE_FLOW_JSON_VERSIONS as readonly string[]).includes(version))
		col.add(
			'INVALID_VERSION',
			`Flow JSON version "${version}" cannot be published (use ${RECOMMENDED_FLOW_JSON_VERSION})`,
			'version',
		);
	const hasEndpoint = flow.data_api_version !== undefined;
	if (hasEndpoint && !(DATA_API_VERSIONS as readonly string[]).includes(String(flow.data_api_version)))
		col.add(
			'INVALID_DATA_API_VERSION',
			`data_api_version must be one of ${DATA_API_VERSIONS.join(', ')}`,
			'data_api_version',
		);
	const screens = Array.isArray(flow.screens) ? flow.screens : [];
	if (screens.length === 0) {
		col.add('MISSING_REQUIRED_PROPERTY', 'The Flow needs at least one screen', 'screens');
		return col.errors;
	}
	const ids = new Set<string>();
	screens.forEach((s, i) => {
		const id = isRec(s) ? s.id : undefined;
		if (typeof id !== 'string' || !SCREEN_ID.test(id))
			col.add(
				'INVALID_PROPERTY_VALUE',
				'Screen "id" must be letters, digits and underscores',
				`screens[${i}].id`,
			);
		else if (id === 'SUCCESS')
			col.add('RESERVED_SCREEN_ID', 'SUCCESS is a reserved screen id', `screens[${i}].id`);
		else if (ids.has(id))
			col.add('DUPLICATE_SCREEN_ID', `Two screens have the id "${id}"`, `screens[${i}].id`);
		else ids.add(id);
	});
	if (!screens.some((s) => isRec(s) && s.terminal === true))
		col.add('MISSING_TERMINAL_SCREEN', 'At least one screen must be "terminal": true', 'screens');
	if (hasEndpoint) {
		if (!isRec(flow.routing_model))
			col.add(
				'MISSING_ROUTING_MODEL',
				'A Flow with a data endpoint needs a "routing_model"',
				'routing_model',
			);
		else
			for (const [from, to] of Object.entries(flow.routing_model)) {
				if (!ids.has(from))
					col.add(
						'INVALID_ROUTING_MODEL',
						`routing_model names "${from}", which is not a screen`,
						`routing_model.${from}`,
					);
				if (!Array.isArray(to))
					col.add(
						'INVALID_ROUTING_MODEL',
						`routing_model.${from} must be a list of screens`,
						`routing_model.${from}`,
					);
				else
					for (const target of to)
						if (!ids.has(String(target)))
							col.add(
								'INVALID_ROUTING_MODEL',
								`routing_model.${from} names "${String(target)}", which is not a screen`,
								`routing_model.${from}`,
							);
			}
	}
	screens.forEach((s, i) => isRec(s) && checkScreen(s, i, ids, hasEndpoint, col));
	return col.errors;
}

/** The routing model's allowed targets from a screen (undefined: any, for Flows without one). */
export function allowedNextScreens(flow: Rec, from: string): string[] | undefined {
	const model = isRec(flow.routing_model) ? flow.routing_model : undefined;
	const to = model?.[from];
	return Array.isArray(to) ? to.map(String) : undefined;
}
