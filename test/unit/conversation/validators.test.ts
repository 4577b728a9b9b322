import {
	VALIDATORS,
	validDateOfBirth,
	validEmail,
	validInsurance,
	validName,
	validText,
} from '../../../core/conversation';

const NOW = Date.parse('2026-06-15T12:00:00Z');

describe('named validators', () => {
	it.each([
		['Maria Souza', 'Maria Souza'],
		['  josé   da silva ', 'josé da silva'],
		["Anne-Marie O'Neil", "Anne-Marie O'Neil"],
		['M4ria', null],
		['Maria', null],
		['Ma', null],
		['x'.repeat(81), null],
	])('name: %j → %j', (input, expected) => {
		expect(validName(input)).toBe(expected);
	});

	it.each([
		['25/03/1984', '1984-03-25'],
		['5.3.1984', '1984-03-05'],
		['25-03-1984', '1984-03-25'],
		['1984-03-25', '1984-03-25'],
		['31/02/1984', null],
		['29/02/2024', '2024-02-29'],
		['29/02/2023', null],
		['15/06/2026', '2026-06-15'],
		['16/06/2026', null],
		['16/06/1906', '1906-06-16'],
		['14/06/1905', null],
		['15/06/1906', '1906-06-15'],
		['March 3 1984', null],
		['1984', null],
	])('date of birth: %j → %j (0 to 120 years before the clock)', (input, expected) => {
		expect(validDateOfBirth(input, NOW)).toBe(expected);
	});

	it.each([
		['Unimed', 'Unimed'],
		['Bradesco  Saúde', 'Bradesco Saúde'],
		['none', 'Self-pay'],
		['Não', 'Self-pay'],
		['PARTICULAR', 'Self-pay'],
		['ninguno', 'Self-pay'],
		['sin seguro', 'Self-pay'],
		['X', null],
		['<script>', null],
	])('insurance: %j → %j', (input, expected) => {
		expect(validInsurance(input)).toBe(expected);
	});

	it('e-mail and any short text', () => {
		expect(validEmail(' Maria@Example.com ')).toBe('maria@example.com');
		expect(validEmail('maria@example')).toBeNull();
		expect(validEmail('maria example.com')).toBeNull();
		expect(validText('  anything  at all ')).toBe('anything at all');
		expect(validText('   ')).toBeNull();
		expect(validText('x'.repeat(201))).toBeNull();
	});

	it('each validator has a label, a description and a built-in retry text', () => {
		for (const v of Object.values(VALIDATORS)) {
			expect(v.label).toBeTruthy();
			expect(v.description).toBeTruthy();
			expect(v.retryText).toMatch(/^retry_/);
		}
	});
});
