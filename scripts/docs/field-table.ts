/**
 * Renders the field tables of the documentation from the node and credential descriptions (used by
 * scripts/docs/node-fields.ts, which writes them into docs/, and by test/unit/docs/fields.test.ts).
 *
 * One row per field, nested collection fields included: label, name (dotted path), type, default, the operations or
 * other fields that show it, and its description, choices, hint and example. Rows that differ only in the operations
 * showing them (e.g. the same option under every operation) are merged.
 */
import { join, relative } from 'node:path';

import type {
	ICredentialType,
	INodeCredentialDescription,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';

export const ROOT = join(__dirname, '..', '..');

type DisplayOptions = NonNullable<INodeProperties['displayOptions']>;
type Condition = { show: Record<string, unknown[]>; hide: Record<string, unknown[]> };

interface Row {
	label: string;
	path: string;
	type: string;
	default: string;
	description: string;
	cond: Condition;
}

/** Loads a class from its TypeScript source (an explicit `.ts` path: `X.node` alone would resolve X.node.json). */
function loadClass<T>(file: string, exportName: string): new () => T {
	const loaded = require(file) as Record<string, new () => T>;
	const Class = loaded[exportName];
	if (typeof Class !== 'function') throw new Error(`${relative(ROOT, file)} does not export ${exportName}`);
	return Class;
}

export function nodeDescription(node: string): INodeTypeDescription {
	const Class = loadClass<{ description: INodeTypeDescription }>(
		join(ROOT, 'nodes', node, `${node}.node.ts`),
		node,
	);
	return new Class().description;
}

export function credentialType(name: string): ICredentialType {
	return new (loadClass<ICredentialType>(join(ROOT, 'credentials', `${name}.credentials.ts`), name))();
}

/** Plain text for a table cell: HTML links become Markdown links, other tags go, `|` and `<` are escaped. */
export function cell(text: string): string {
	return text
		.replace(/<a\s+href="([^"]+)"[^>]*>(.*?)<\/a>/g, '[$2]($1)')
		.replace(/<\/?(b|i|code|strong|em|br)\s*\/?>/g, '')
		.replace(/\s*\n\s*/g, ' ')
		.replace(/\|/g, '\\|')
		.replace(/</g, '&lt;')
		.trim();
}

function code(value: string): string {
	const fence = value.includes('`') ? '``' : '`';
	return `${fence}${value.replace(/\s+/g, ' ')}${fence}`;
}

function isOption(value: unknown): value is INodePropertyOptions {
	return typeof value === 'object' && value !== null && 'value' in value && 'name' in value;
}

function optionName(property: INodeProperties | undefined, value: unknown): string {
	const option = property?.options?.find((o) => isOption(o) && o.value === value) as
		| INodePropertyOptions
		| undefined;
	if (option) return option.name;
	if (typeof value === 'boolean') return value ? 'on' : 'off';
	return String(value);
}

function renderDefault(property: INodeProperties): string {
	const value = property.default as unknown;
	if (value === '' || value === undefined || value === null) return '';
	if (property.type === 'notice') return '';
	if (typeof value === 'string') {
		const short =
			value.length > 60 || value.includes('\n') ? `${value.replace(/\s+/g, ' ').slice(0, 57)}…` : value;
		const name = property.type === 'options' ? optionName(property, value) : undefined;
		return name && name !== value ? `${code(short)} (${cell(name)})` : code(short);
	}
	if (typeof value === 'boolean') return value ? 'on' : 'off';
	if (typeof value === 'number') return String(value);
	if (Array.isArray(value)) {
		if (!value.length) return '';
		return value.map((v) => code(String(v))).join(', ');
	}
	if (typeof value === 'object' && Object.keys(value as object).length === 0) return '';
	const json = JSON.stringify(value);
	return code(json.length > 60 ? `${json.slice(0, 57)}…` : json);
}

function optionsList(property: INodeProperties): string {
	if (property.type !== 'options' && property.type !== 'multiOptions') return '';
	const options = (property.options ?? []).filter(isOption);
	if (!options.length) {
		const method = property.typeOptions?.loadOptionsMethod;
		return method ? 'The editor loads the choices when the node is opened.' : '';
	}
	const parts = options.map((o) => {
		const what = o.description ? `: ${cell(o.description).replace(/\.$/, '')}` : '';
		return `**${cell(o.name)}** (${code(String(o.value))})${what}`;
	});
	return `Choices: ${parts.join('; ')}.`;
}

/** A sentence ends with a full stop, so the parts of a description cell read as sentences. */
function sentence(text: string): string {
	return /[.!?:]$/.test(text) || !text ? text : `${text}.`;
}

function describe(property: INodeProperties): string {
	const parts: string[] = [];
	if (property.description) parts.push(sentence(cell(property.description)));
	if (property.required) parts.push('Required.');
	if (property.typeOptions?.password) parts.push('Hidden in the editor (a secret).');
	const options = optionsList(property);
	if (options) parts.push(options);
	if (property.hint) parts.push(`_Hint:_ ${sentence(cell(property.hint))}`);
	const grouped = property.type === 'collection' || property.type === 'fixedCollection';
	if (property.placeholder && typeof property.placeholder === 'string' && !grouped)
		parts.push(`Example: ${code(property.placeholder)}.`);
	return parts.join(' ');
}

function addCondition(base: Condition, options: DisplayOptions | undefined): Condition {
	const out: Condition = {
		show: { ...base.show },
		hide: { ...base.hide },
	};
	for (const [key, values] of Object.entries(options?.show ?? {})) out.show[key] = [...(values ?? [])];
	for (const [key, values] of Object.entries(options?.hide ?? {})) out.hide[key] = [...(values ?? [])];
	return out;
}

function typeOf(property: INodeProperties): string {
	return property.type === 'fixedCollection' && property.typeOptions?.multipleValues
		? 'fixedCollection (list)'
		: property.type;
}

/** Flattens the properties (collections and fixed collections included) into rows. */
function collectRows(
	properties: INodeProperties[],
	prefix: { label: string; path: string },
	base: Condition,
	rows: Row[],
	notices: Array<{ text: string; cond: Condition }>,
): void {
	for (const property of properties) {
		const cond = addCondition(base, property.displayOptions);
		if (property.type === 'notice') {
			notices.push({ text: cell(property.displayName), cond });
			continue;
		}
		const label = prefix.label ? `${prefix.label} › ${property.displayName}` : property.displayName;
		const path = prefix.path ? `${prefix.path}.${property.name}` : property.name;
		rows.push({
			label,
			path,
			type: typeOf(property),
			default: renderDefault(property),
			description: describe(property),
			cond,
		});
		if (property.type === 'collection') {
			collectRows((property.options ?? []) as INodeProperties[], { label, path }, cond, rows, notices);
		} else if (property.type === 'fixedCollection') {
			const groups = (property.options ?? []) as INodePropertyCollection[];
			for (const group of groups) {
				const groupLabel = groups.length > 1 ? `${label} › ${group.displayName}` : label;
				const list = property.typeOptions?.multipleValues ? '[]' : '';
				collectRows(
					group.values,
					{ label: groupLabel, path: `${path}.${group.name}${list}` },
					cond,
					rows,
					notices,
				);
			}
		}
	}
}

function condKey(cond: Condition, without?: string): string {
	const show = Object.fromEntries(Object.entries(cond.show).filter(([k]) => k !== without));
	return JSON.stringify({ show, hide: cond.hide });
}

/** Rows that differ only in the values of one shown-for key (e.g. the same option under six operations) merge. */
function mergeRows(rows: Row[], key: string): Row[] {
	const merged: Row[] = [];
	const byKey = new Map<string, Row>();
	for (const row of rows) {
		if (!row.cond.show[key]) {
			merged.push(row);
			continue;
		}
		const id = JSON.stringify([
			row.label,
			row.path,
			row.type,
			row.default,
			row.description,
			condKey(row.cond, key),
		]);
		const existing = byKey.get(id);
		if (!existing) {
			const copy = { ...row, cond: { show: { ...row.cond.show }, hide: row.cond.hide } };
			byKey.set(id, copy);
			merged.push(copy);
			continue;
		}
		existing.cond.show[key] = [
			...existing.cond.show[key],
			...row.cond.show[key].filter((v) => !existing.cond.show[key].includes(v)),
		];
	}
	return merged;
}

function conditionText(cond: Condition, properties: INodeProperties[]): string {
	const find = (name: string) =>
		properties.find((p) => p.name === name && (p.options?.length || p.type === 'boolean'));
	const order = (name: string, values: unknown[]) => {
		const options = (find(name)?.options ?? []).filter(isOption).map((o) => o.value);
		return [...values].sort((a, b) => options.indexOf(a as string) - options.indexOf(b as string));
	};
	const part = (name: string, values: unknown[], negate: boolean) => {
		const property = find(name);
		const label = property?.displayName ?? name;
		const known = (property?.options ?? []).filter(isOption);
		if (!negate && known.length > 1 && known.every((o) => values.includes(o.value)))
			return `every ${cell(label)}`;
		const others = known.filter((o) => !values.includes(o.value));
		if (!negate && values.length >= 4 && others.length === 1)
			return `${cell(label)}: anything but ${cell(others[0].name)}`;
		const names = order(name, values).map((v) => cell(optionName(property, v)));
		return `${negate ? 'not ' : ''}${cell(label)}: ${names.join(', ')}`;
	};
	const parts = [
		...Object.entries(cond.show).map(([k, v]) => part(k, v, false)),
		...Object.entries(cond.hide).map(([k, v]) => part(k, v, true)),
	];
	return parts.length ? parts.join('; ') : 'always';
}

/** Every property of a node, nested ones included, for looking up option names in conditions. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	const out: INodeProperties[] = [];
	for (const property of properties) {
		out.push(property);
		if (property.type === 'collection')
			out.push(...allProperties((property.options ?? []) as INodeProperties[]));
		if (property.type === 'fixedCollection')
			for (const group of (property.options ?? []) as INodePropertyCollection[])
				out.push(...allProperties(group.values));
	}
	return out;
}

function credentialList(
	credentials: INodeCredentialDescription[] | undefined,
	properties: INodeProperties[],
): string {
	if (!credentials?.length) return '';
	const lines = credentials.map((c) => {
		const cond = addCondition({ show: {}, hide: {} }, c.displayOptions as DisplayOptions | undefined);
		const when = conditionText(cond, properties);
		return `- \`${c.name}\` (${c.required ? 'required' : 'optional'}${when === 'always' ? '' : `; shown for ${when}`})`;
	});
	return `**Credentials**\n\n${lines.join('\n')}\n`;
}

/** The generated block of a node page (without the markers). */
export function renderNodeFields(node: string): string {
	const d = nodeDescription(node);
	const properties = d.properties;
	const lookup = allProperties(properties);
	const rows: Row[] = [];
	const notices: Array<{ text: string; cond: Condition }> = [];
	collectRows(properties, { label: '', path: '' }, { show: {}, hide: {} }, rows, notices);
	const merged = ['operation', 'backend'].reduce((acc, key) => mergeRows(acc, key), rows);
	const out: string[] = [
		`<!-- Generated by \`npm run docs\` from nodes/${node}/${node}.node.ts: edit the node's description, then run it again. -->`,
		'',
		`**${cell(d.displayName)}** (\`${d.name}\`, version ${String(d.version)}): ${cell(d.description)}`,
		'',
	];
	const credentials = credentialList(d.credentials, lookup);
	if (credentials) out.push(credentials);
	const operation = properties.find((p) => p.name === 'operation' && p.type === 'options');
	if (operation) {
		out.push('**Operations**', '', '| Operation | Value | What it does |', '| --- | --- | --- |');
		for (const o of (operation.options ?? []).filter(isOption))
			out.push(`| ${cell(o.name)} | ${code(String(o.value))} | ${cell(o.description ?? '')} |`);
		out.push('');
	}
	out.push(
		'**Fields** (a name with dots is a field inside a collection, `[]` a list entry)',
		'',
		'| Field | Name | Type | Default | Shown for | Description |',
		'| --- | --- | --- | --- | --- | --- |',
	);
	for (const row of merged.filter((r) => r.path !== 'operation'))
		out.push(
			`| ${cell(row.label)} | ${code(row.path)} | ${row.type} | ${row.default} | ${conditionText(row.cond, lookup)} | ${row.description} |`,
		);
	if (notices.length) {
		out.push('', '**Notices shown in the editor**', '');
		for (const n of notices) {
			const when = conditionText(n.cond, lookup);
			out.push(`- ${when === 'always' ? '' : `(${when}) `}${n.text}`);
		}
	}
	return `${out.join('\n')}\n`;
}

/** The generated block of one credential in docs/credentials.md (without the markers). */
export function renderCredentialFields(name: string): string {
	const c = credentialType(name);
	const properties = c.properties;
	const lookup = allProperties(properties);
	const rows: Row[] = [];
	collectRows(properties, { label: '', path: '' }, { show: {}, hide: {} }, rows, []);
	const out = [
		`<!-- Generated by \`npm run docs\` from credentials/${name}.credentials.ts: edit the credential, then run it again. -->`,
		'',
		`**${cell(c.displayName)}** (\`${c.name}\`)`,
		'',
		'| Field | Name | Type | Default | Shown for | Description |',
		'| --- | --- | --- | --- | --- | --- |',
	];
	for (const row of rows) {
		out.push(
			`| ${cell(row.label)} | ${code(row.path)} | ${row.type} | ${row.default} | ${conditionText(row.cond, lookup)} | ${row.description} |`,
		);
	}
	return `${out.join('\n')}\n`;
}
