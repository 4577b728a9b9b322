/**
 * The simulator's Meta-side Flow JSON validation (simulator/flows-validation.ts): the shipped booking Flows pass,
 * errors point at the value's line and column in the uploaded text, and unsupported versions are Graph-level
 * problems (Meta answers code 100) rather than validation errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { checkFlowJson } from '../../../simulator/flows-validation';

const FLOWS_DIR = join(__dirname, '../../../workflows/flows');

test.each(readdirSync(FLOWS_DIR).filter((f) => f.endsWith('.json')))(
	'shipped %s has no validation errors',
	(file) => {
		const check = checkFlowJson(readFileSync(join(FLOWS_DIR, file), 'utf8'));
		expect(check.fatal).toBeUndefined();
		expect(check.errors).toEqual([]);
		expect(check).toMatchObject({ jsonVersion: '7.3', dataApiVersion: '3.0' });
	},
);

test('an unknown component is pointed at by line and column of its type value', () => {
	const text = [
		'{',
		'  "version": "7.3",',
		'  "screens": [{',
		'    "id": "A", "terminal": true,',
		'    "layout": { "type": "SingleColumnLayout", "children": [',
		'      {"type": "Slider"},',
		'      {"type": "Footer", "label": "OK", "on-click-action": {"name": "complete", "payload": {}}}',
		'    ]}',
		'  }]',
		'}',
	].join('\n');
	const [error, ...rest] = checkFlowJson(text).errors;
	expect(rest).toEqual([]);
	expect(error).toMatchObject({
		error: 'INVALID_PROPERTY_VALUE',
		error_type: 'FLOW_JSON_ERROR',
		message: "Invalid value found for property 'type'.",
		line_start: 6,
		line_end: 6,
		column_start: 16,
		column_end: 24,
		pointers: [{ path: 'screens[0].layout.children[0].type', line_start: 6, column_start: 16 }],
	});
});

test('missing properties, unknown screens, data references and endpoint rules', () => {
	const flow = {
		version: '7.3',
		data_api_version: '3.0',
		routing_model: { A: ['B'] },
		screens: [
			{
				id: 'A',
				terminal: true,
				data: { shown: { type: 'string' } },
				layout: {
					type: 'SingleColumnLayout',
					children: [
						{ type: 'Dropdown', name: 'pick', label: 'Pick' },
						{ type: 'TextBody', text: '${data.other}' },
						{
							type: 'Footer',
							label: 'Go',
							'on-click-action': { name: 'navigate', next: { name: 'B' }, payload: { x: '${form.nope}' } },
						},
					],
				},
			},
		],
	};
	const errors = checkFlowJson(JSON.stringify(flow)).errors.map((e) => [e.error, e.pointers[0].path]);
	expect(errors).toEqual(
		expect.arrayContaining([
			['INVALID_ROUTING_MODEL', 'routing_model.A[0]'],
			['MISSING_REQUIRED_PROPERTY', 'screens[0].layout.children[0]'],
			['INVALID_SCREEN_ID', 'screens[0].layout.children[2].on-click-action.next.name'],
			['INVALID_DATA_REFERENCE', 'screens[0].data'],
			['INVALID_FORM_REFERENCE', 'screens[0]'],
			['MISSING_REQUIRED_PROPERTY', 'screens[0].data.shown'],
		]),
	);
});

test('versions Meta does not take, and text that is not JSON, are Graph errors', () => {
	expect(checkFlowJson('{"version":"2.1","screens":[]}').fatal).toMatch(/^Invalid Flow JSON version/);
	expect(checkFlowJson('{"version":"7.3","data_api_version":"2.0","screens":[]}').fatal).toMatch(
		/data_api_version/,
	);
	expect(checkFlowJson('{nope').fatal).toMatch(/not valid JSON/);
});
