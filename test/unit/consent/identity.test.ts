import { ConsentInputError, languageForIdentity, parseIdentity } from '../../../core/consent/identity';

describe('parseIdentity', () => {
	it.each([
		['+55 11 91234-5678', '+5511912345678'],
		['5511912345678', '+5511912345678'], // WhatsApp wa_id
		['(11) 91234-5678', '+5511912345678'], // local, default country BR
		['0055 11 91234 5678', '+5511912345678'],
		['+1 650-555-1234', '+16505551234'],
	])('phone %s → %s', (input, e164) => {
		expect(parseIdentity({ phone: input }, { defaultCountry: 'BR' })).toEqual({ phone: e164, bsuid: null });
	});

	it('accepts a BSUID in the recipient field and a separate BSUID', () => {
		expect(parseIdentity({ phone: 'US.13491208655302741918' })).toEqual({
			phone: null,
			bsuid: 'US.13491208655302741918',
		});
		expect(parseIdentity({ phone: '+5511912345678', bsuid: ' BR.abc123 ' })).toEqual({
			phone: '+5511912345678',
			bsuid: 'BR.abc123',
		});
	});

	it('bad identifiers name the field and never echo the whole number', () => {
		const bad = (input: { phone?: unknown; bsuid?: unknown }) => {
			try {
				parseIdentity(input, { phoneField: 'Recipient', bsuidField: 'WhatsApp User ID' });
			} catch (error) {
				expect(error).toBeInstanceOf(ConsentInputError);
				return error as ConsentInputError;
			}
			throw new Error('expected an error');
		};
		expect(bad({ phone: '12' }).field).toBe('Recipient');
		expect(bad({ phone: 'hello' }).message).toMatch(/^Recipient: /);
		expect(bad({}).message).toMatch(/Recipient: is empty/);
		expect(bad({ phone: '', bsuid: '  ' }).field).toBe('Recipient');
		const e = bad({ phone: '+5511912345678', bsuid: 'br.123' });
		expect(e.field).toBe('WhatsApp User ID');
		expect(e.message).not.toContain('br.123'.slice(0, 2) + '.123'); // masked
		expect(bad({ phone: 'US.111', bsuid: 'US.222' }).field).toBe('WhatsApp User ID');
		expect(bad({ phone: '+55 11 9' }).message).not.toContain('+55 11 9');
	});

	it('language hint from phone country, then BSUID country', () => {
		expect(languageForIdentity({ phone: '+5511912345678', bsuid: null })).toBe('pt');
		expect(languageForIdentity({ phone: '+34612345678', bsuid: null })).toBe('es');
		expect(languageForIdentity({ phone: null, bsuid: 'MX.123' })).toBe('es');
		expect(languageForIdentity({ phone: '+16505551234', bsuid: null })).toBe('en');
		expect(languageForIdentity({ phone: '+4915112345678', bsuid: null })).toBeNull();
	});
});
