import {
	isBusinessScopedUserId,
	mask,
	parseDefaultCountry,
	parseRecipient,
	recipientFields,
} from '../../../core/whatsapp/phone';
import { MessageValidationError } from '../../../core/whatsapp/messages';

describe('recipient parsing', () => {
	it.each([
		['+55 (11) 91234-5678', undefined, '+5511912345678'],
		['0055 11 91234 5678', undefined, '+5511912345678'],
		['5511912345678', undefined, '+5511912345678'],
		['5511912345678', 'BR', '+5511912345678'],
		['(11) 91234-5678', 'BR', '+5511912345678'],
		['011 91234-5678', 'BR', '+5511912345678'],
		['+1 650-555-1234', 'BR', '+16505551234'],
		['16505551234', undefined, '+16505551234'],
		['15550783881', undefined, '+15550783881'],
		[5511912345678, undefined, '+5511912345678'],
		['tel:+351912345678', undefined, '+351912345678'],
	] as const)('normalises %s (default %s) to %s', (input, country, expected) => {
		expect(parseRecipient(input, { defaultCountry: country })).toEqual({ kind: 'phone', e164: expected });
	});

	it('recognises business-scoped user IDs and sends them as recipient', () => {
		const r = parseRecipient(' US.13491208655302741918 ');
		expect(r).toEqual({ kind: 'userId', userId: 'US.13491208655302741918' });
		expect(recipientFields(r)).toEqual({ recipient: 'US.13491208655302741918' });
		expect(recipientFields(parseRecipient('+5511912345678'))).toEqual({ to: '+5511912345678' });
		expect(isBusinessScopedUserId('BR.abc')).toBe(true);
		expect(isBusinessScopedUserId('br.abc')).toBe(false);
	});

	it.each([
		['', 'is empty'],
		['   ', 'is empty'],
		[null, 'is empty'],
		['12', 'not a valid phone number'],
		['(11) 91234-5678', 'Default Country'],
		['maria@example.com', 'neither a phone number nor a WhatsApp user ID'],
	])('rejects %p naming the field', (input, text) => {
		let caught: unknown;
		try {
			parseRecipient(input, { field: 'Phone Number' });
		} catch (e) {
			caught = e;
		}
		expect(caught).toBeInstanceOf(MessageValidationError);
		expect((caught as MessageValidationError).field).toBe('Phone Number');
		expect((caught as Error).message).toContain(text);
	});

	it('never puts a full phone number into an error', () => {
		try {
			parseRecipient('+99 1234567890123');
		} catch (e) {
			expect((e as Error).message).not.toContain('1234567890123');
			expect((e as Error).message).toContain('0123');
		}
		expect(mask('5511912345678')).toBe('••••••••5678');
	});

	it('validates the default country option', () => {
		expect(parseDefaultCountry('br')).toBe('BR');
		expect(parseDefaultCountry('')).toBeUndefined();
		expect(() => parseDefaultCountry('XX')).toThrow(/not a known country code/);
	});
});
