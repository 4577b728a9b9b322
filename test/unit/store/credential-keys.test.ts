import { ClinicStoreApi } from '../../../credentials/ClinicStoreApi.credentials';
import { parsePreviousKeys, storeConfigFromCredential } from '../../../nodes/shared/store';

const phiOf = (data: Record<string, unknown>) =>
	storeConfigFromCredential({ phiKey: 'k'.repeat(20), ...data }).phi;

describe('Clinic Store credential: Previous Keys (item 8)', () => {
	it('is a list of {Key ID, Key}: a passphrase with commas (and = signs) arrives whole', () => {
		const phi = phiOf({
			previousKeyList: {
				keys: [
					{ keyId: '2024-01', key: 'sol, mar, montanha = 3 palavras' },
					{ keyId: '2023', key: 'ab'.repeat(32) },
				],
			},
		});
		expect(phi.previousKeys).toEqual([
			{ keyId: '2024-01', key: 'sol, mar, montanha = 3 palavras' },
			{ keyId: '2023', key: 'ab'.repeat(32) },
		]);
	});

	it('still reads the old text field of credentials saved before (lines or commas), after the list', () => {
		const [a, b, c] = ['a', 'b', 'c'].map((ch) => ch.repeat(18));
		expect(parsePreviousKeys(`old=${a}\nolder=${b},oldest=${c}`)).toEqual([
			{ keyId: 'old', key: a },
			{ keyId: 'older', key: b },
			{ keyId: 'oldest', key: c },
		]);
		const oldText = `old=${a}`;
		const listed = 'x, y';
		expect(
			phiOf({ previousKeyList: { keys: [{ keyId: 'new', key: listed }] }, previousKeys: oldText })
				.previousKeys,
		).toEqual([
			{ keyId: 'new', key: listed },
			{ keyId: 'old', key: a },
		]);
		expect(phiOf({}).previousKeys).toEqual([]);
		expect(phiOf({ previousKeyList: {} }).previousKeys).toEqual([]);
	});

	it('names the entry and the fix for an incomplete list entry; ignores an empty one', () => {
		expect(() =>
			phiOf({ previousKeyList: { keys: [{ keyId: '', key: 'a long passphrase here' }] } }),
		).toThrow(/entry 1 has a key but no Key ID/);
		expect(() => phiOf({ previousKeyList: { keys: [{ keyId: 'k0', key: ' ' }] } })).toThrow(
			/"k0" has no key/,
		);
		expect(phiOf({ previousKeyList: { keys: [{ keyId: '', key: '' }] } }).previousKeys).toEqual([]);
	});

	it('the credential offers the list with a password field per key, and keeps the old field for saved credentials', () => {
		const props = new ClinicStoreApi().properties;
		const list = props.find((p) => p.name === 'previousKeyList');
		expect(list).toMatchObject({
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
		});
		type Collection = { options: Array<{ name: string; values: Array<Record<string, unknown>> }> };
		const values = (list as unknown as Collection).options[0];
		expect(values.name).toBe('keys');
		expect(values.values.map((v) => v.name)).toEqual(['keyId', 'key']);
		expect(values.values[1]).toMatchObject({ typeOptions: { password: true } });
		expect(props.find((p) => p.name === 'previousKeys')).toMatchObject({
			displayName: 'Previous Keys (Old Format)',
			typeOptions: { password: true },
		});
	});
});
