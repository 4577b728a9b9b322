import { ConsentInputError, languageForIdentity, parseIdentity } from '../../../core/consent/identity';

describe('parseIdentity', () => {
	it.each([
		['+55 11 91234-5678', '+5511912345678'],
		['5511912345678', '+5511912345678'], // WhatsApp wa_id
		['(11) 91234-5678', '+5511912345678'], // local, default country BR
		['0055 11 91234 5678', '+5511912345678'],
		['+1 650-555-1234', '+16505551234'],
	])('phone %s → %s', (input, e164) => {
		expect(parseIdentity({ phone: input }, { defaultCountry: 'BR' })).toEqual({ phone: e164, userId: null });
	});

	it('accepts a user ID in the recipient field and a separate user ID', () => {
		expect(parseIdentity({ phone: 'US.13491208655302741918' })).toEqual({
			phone: null,
			userId: 'US.13491208655302741918',
		});
		expect(parseIdentity({ phone: '+5511912345678', userId: ' BR.abc123 ' })).toEqual({
			phone: '+5511912345678',
			userId: 'BR.abc123',
		});
	});

	it('bad identifiers name the field and never echo the whole number', () => {
		const bad = (input: { phone?: unknown; userId?: unknown }) => {
			try {
				parseIdentity(input, { phoneField: 'Recipient', userIdField: 'WhatsApp User ID' });
			} catch (error) {
				expect(error).toBeInstanceOf(ConsentInputError);
				return error as ConsentInputError;
			}
			throw new Error('expected an error');
		};
		expect(bad({ phone: '12' }).field).toBe('Recipient');
		expect(bad({ phone: 'hello' }).message).toMatch(/^Recipient: /);
		expect(bad({}).message).toMatch(/Recipient: is empty/);
		expect(bad({ phone: '', userId: '  ' }).field).toBe('Recipient');
		const e = bad({ phone: '+5511912345678', userId: 'br.123' });
		expect(e.field).toBe('WhatsApp User ID');
		expect(e.message).not.toContain('br.123'.slice(0, 2) + '.123'); // masked
		expect(bad({ phone: 'US.111', userId: 'US.222' }).field).toBe('WhatsApp User ID');
		expect(bad({ phone: '+55 11 9' }).message).not.toContain('+55 11 9');
	});

	it('language hint from phone country, then user ID country', () => {
		expect(languageForIdentity({ phone: '+5511912345678', userId: null })).toBe('pt');
		expect(languageForIdentity({ phone: '+34612345678', userId: null })).toBe('es');
		expect(languageForIdentity({ phone: null, userId: 'MX.123' })).toBe('es');
		expect(languageForIdentity({ phone: '+16505551234', userId: null })).toBe('en');
		expect(languageForIdentity({ phone: '+4915112345678', userId: null })).toBeNull();
	});
});
