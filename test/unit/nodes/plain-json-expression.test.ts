/**
 * A parameter that is only `{{ $json.field }}` is read from the item instead of n8n's evaluator, when n8n would return
 * the value unchanged (nodes/shared/plain-json-expression.ts). These tests hold the shortcut to n8n's own result
 * (n8n-workflow's Expression, test/unit/support/n8n-expression.ts) and check that everything else still goes
 * to n8n.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { plainJsonPath, plainJsonValue } from '../../../nodes/shared/plain-json-expression';
import { withParameterCache } from '../../../nodes/shared/send-fields';
import { n8nParameterValue } from '../support/n8n-expression';

describe('plainJsonPath', () => {
	it.each([
		['={{ $json.phone }}', ['phone']],
		['={{$json.phone}}', ['phone']],
		['={{ $json.patient.phone }}', ['patient', 'phone']],
		['={{ $json["mobile phone"] }}', ['mobile phone']],
		["={{ $json['a.b'].c }}", ['a.b', 'c']],
		['={{ $json._x.$y1 }}', ['_x', '$y1']],
	])('%s is the path %j', (raw, path) => {
		expect(plainJsonPath(raw)).toEqual(path);
	});

	it.each([
		'{{ $json.phone }}', // no leading "=": a literal, not an expression
		'={{ $json.phone }} ', // text after the expression
		'=+{{ $json.phone }}',
		'={{ $json.phone.trim() }}',
		'={{ $json.phone || $json.mobile }}',
		'={{ $json[0] }}',
		'={{ $json[key] }}',
		'={{ $json }}',
		'={{ $json.phone }}{{ $json.ext }}',
		'={{ $("Patients").item.json.phone }}',
		'={{ $item(0).$node["x"].json.phone }}',
		'={{ $json.1phone }}',
		'={{ $json["a\\"b"] }}',
		'=55{{ $json.phone }}',
	])('%s is left to n8n', (raw) => {
		expect(plainJsonPath(raw)).toBeUndefined();
	});

	it('is undefined for values that are not strings', () => {
		expect(plainJsonPath(undefined)).toBeUndefined();
		expect(plainJsonPath({ value: '={{ $json.phone }}' })).toBeUndefined();
	});
});

/** n8n's own result for parameter `raw` on item `json`, or that it threw. */
function n8nValue(raw: string, json: Record<string, unknown>): { value?: unknown; error?: true } {
	try {
		return { value: n8nParameterValue(raw, json) };
	} catch {
		return { error: true };
	}
}

describe('plainJsonValue gives what n8n gives, or leaves it to n8n', () => {
	const items: Array<Record<string, unknown>> = [
		{ phone: '+55 11 91234-5678' },
		{ phone: 5511912345678 },
		{ phone: 0 },
		{ phone: -0 },
		{ phone: true },
		{ phone: false },
		{ phone: '' },
		{ phone: null },
		{ phone: NaN },
		{ phone: Infinity },
		{ phone: ['+5511912345678'] },
		{ phone: { number: '+5511912345678' } },
		{},
		{ patient: { phone: '+5511912345678' } },
		{ patient: 'text' },
		{ patient: null },
		{ patient: ['x'] },
		{ 'mobile phone': '11 91234 5678' },
		{ 'a.b': { c: 'dotted key' } },
		{ phone: '={{ 1 + 1 }}' },
		{ phone: '{{ $json.other }}', other: 'x' },
	];
	const expressions = [
		'={{ $json.phone }}',
		'={{ $json.patient.phone }}',
		'={{ $json["mobile phone"] }}',
		"={{ $json['a.b'].c }}",
		'={{ $json.patient.length }}',
		'={{ $json.toString }}',
		'={{ $json.constructor }}',
	];
	const cases = expressions.flatMap((raw) => items.map((json) => [raw, json] as const));

	it.each(cases)('%s on %j', (raw, json) => {
		const path = plainJsonPath(raw);
		expect(path).toBeDefined();
		const ours = plainJsonValue(json, path!);
		if (ours === undefined) return; // n8n evaluates it, as before
		const theirs = n8nValue(raw, json);
		expect(theirs.error).toBeUndefined();
		expect(Object.is(theirs.value, ours)).toBe(true);
	});

	it("holds n8n's evaluator to real values (the comparison above is not vacuous)", () => {
		expect(n8nValue('={{ $json.patient.phone }}', { patient: { phone: '+5511' } })).toEqual({
			value: '+5511',
		});
		const compared = cases.filter(([raw, json]) => plainJsonValue(json, plainJsonPath(raw)!) !== undefined);
		expect(compared.length).toBeGreaterThanOrEqual(10);
	});

	it('reads strings, booleans and finite numbers, nothing else', () => {
		const read = (value: unknown) => plainJsonValue({ v: value }, ['v']);
		expect(read('x')).toBe('x');
		expect(read(12)).toBe(12);
		expect(read(false)).toBe(false);
		for (const other of [null, undefined, NaN, Infinity, {}, [], new Date(0), () => 1, 1n, Symbol('s')])
			expect(read(other)).toBeUndefined();
	});

	it('never follows a prototype, a getter or an array', () => {
		const getter = Object.defineProperty({}, 'v', { get: () => 'computed', enumerable: true });
		expect(plainJsonValue(getter, ['v'])).toBeUndefined();
		expect(plainJsonValue(Object.create({ v: 'inherited' }), ['v'])).toBeUndefined();
		expect(plainJsonValue({}, ['toString'])).toBeUndefined();
		expect(plainJsonValue(['a'], ['0'])).toBeUndefined();
		expect(plainJsonValue(new (class {})(), ['v'])).toBeUndefined();
		expect(plainJsonValue(Object.assign(Object.create(null), { v: 'bare' }), ['v'])).toBe('bare');
	});
});

describe('withParameterCache and a plain {{ $json.field }}', () => {
	function context(parameters: Record<string, unknown>, items: Array<Record<string, unknown>>) {
		const calls: Array<{ name: string; itemIndex: number; options?: unknown }> = [];
		const ctx = {
			getNode: () => ({ parameters }),
			getInputData: () => items.map((json) => ({ json })),
			getNodeParameter: (name: string, itemIndex: number, _fallback?: unknown, options?: unknown) => {
				calls.push({ name, itemIndex, options });
				return `n8n:${name}:${itemIndex}`;
			},
		} as unknown as IExecuteFunctions;
		return { cached: withParameterCache(ctx), calls };
	}

	it('reads the item for a plain path and asks n8n for everything else', () => {
		const { cached, calls } = context({ recipient: '={{ $json.phone }}', text: '=Hello {{ $json.name }}' }, [
			{ phone: '+5511912345678', name: 'Ana' },
			{ phone: 5511912345679 },
			{ phone: null },
			{},
		]);
		expect(cached.getNodeParameter('recipient', 0)).toBe('+5511912345678');
		expect(cached.getNodeParameter('recipient', 1)).toBe(5511912345679);
		expect(calls).toEqual([]);
		// null and a missing field: n8n decides (its own result and errors).
		expect(cached.getNodeParameter('recipient', 2)).toBe('n8n:recipient:2');
		expect(cached.getNodeParameter('recipient', 3, '')).toBe('n8n:recipient:3');
		// Text around the expression, or read options: n8n.
		expect(cached.getNodeParameter('text', 0)).toBe('n8n:text:0');
		expect(cached.getNodeParameter('recipient', 0, '', { extractValue: true })).toBe('n8n:recipient:0');
		expect(calls.map((c) => `${c.name}:${c.itemIndex}`)).toEqual([
			'recipient:2',
			'recipient:3',
			'text:0',
			'recipient:0',
		]);
	});

	it('does not apply to a path inside a collection', () => {
		const { cached, calls } = context({ options: { phoneNumberId: '={{ $json.sender }}' } }, [
			{ sender: '123' },
		]);
		expect(cached.getNodeParameter('options.phoneNumberId', 0)).toBe('n8n:options.phoneNumberId:0');
		expect(cached.getNodeParameter('options', 0)).toBe('n8n:options:0');
		expect(calls).toHaveLength(2);
	});
});
