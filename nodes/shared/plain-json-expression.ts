/**
 * A parameter written as nothing but `{{ $json.field }}` (or `$json.a.b`, `$json["a b"]`) names one value of the
 * input item. n8n 2.x evaluates every expression in an isolate (about 1 ms per call here), which for a bulk send
 * was a third of the CPU per message. For such a parameter the node layer reads the value from the item directly,
 * but only when n8n's own evaluation would give that same value unchanged:
 * - the whole parameter is the one `{{ … }}` (no text around it, no function, no operator, no other variable);
 * - every step is an own property of a plain object (no prototype, getter or array index involved);
 * - the value is a string, a boolean or a finite number, which n8n returns as is (its clean-up only rewrites
 *   dates inside objects, and its schema check only applies to properties with a `validateType`, none of ours).
 * Anything else (a missing field, null, an object, a typo) goes to n8n's evaluator as before, so its errors and
 * results stay n8n's. test/unit/nodes/plain-json-expression.test.ts compares both on the same values.
 */

const IDENT = '[A-Za-z_$][\\w$]*';
const STEP = `(?:\\.${IDENT}|\\[\\s*(?:'[^'\\\\\\n]*'|"[^"\\\\\\n]*")\\s*\\])`;
const WHOLE = new RegExp(`^=\\{\\{\\s*\\$json((?:${STEP})+)\\s*\\}\\}$`);
const STEP_G = new RegExp(`\\.(${IDENT})|\\[\\s*(?:'([^'\\\\\\n]*)'|"([^"\\\\\\n]*)")\\s*\\]`, 'g');

/** The property path of a parameter that is exactly `={{ $json… }}`, or undefined for any other value. */
export function plainJsonPath(raw: unknown): string[] | undefined {
	if (typeof raw !== 'string') return undefined;
	const whole = WHOLE.exec(raw);
	if (!whole) return undefined;
	return [...whole[1].matchAll(STEP_G)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const proto = Object.getPrototypeOf(value) as unknown;
	return proto === Object.prototype || proto === null;
}

/**
 * The value at `path` in `json` when it is one n8n would return unchanged (string, boolean, finite number);
 * undefined when n8n's evaluator must decide.
 */
export function plainJsonValue(
	json: unknown,
	path: readonly string[],
): string | number | boolean | undefined {
	let value: unknown = json;
	for (const key of path) {
		if (!isPlainObject(value)) return undefined;
		const own = Object.getOwnPropertyDescriptor(value, key);
		if (!own || !('value' in own)) return undefined;
		value = own.value;
	}
	if (typeof value === 'string' || typeof value === 'boolean') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	return undefined;
}
