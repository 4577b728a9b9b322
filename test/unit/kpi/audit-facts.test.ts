import { AuditFact, auditTimeMs } from '../../../core/kpi/audit-facts';
import type { PhiCipher } from '../../../core/store/ports';

const cipher = { digest: (v: string) => `d:${v}` } as unknown as PhiCipher;
/** A projected row (COLUMNS order) with these details. */
const fact = (details: string | null) =>
	new AuditFact(
		[
			7,
			'2026-03-02T12:00:00.000Z',
			'system',
			'appointment.confirmed',
			'p1',
			null,
			null,
			'wamid.1',
			0,
			1,
			details,
		],
		cipher,
	);

describe('AuditFact', () => {
	it('reads the flags and the legacy message ID digest of a projected row', () => {
		const f = fact(null);
		expect(f.reminder).toBe(false);
		expect(f.failed).toBe(true);
		expect(f.message).toBe('d:wamid.1');
		expect(f.ms).toBe(auditTimeMs('2026-03-02T12:00:00.000Z'));
	});

	it('reads details, also keys written with escapes, and answers null for absent ones', () => {
		expect(fact('{"appointmentId":" b-1 ","n":4}').detail('appointmentId')).toBe('b-1');
		expect(fact('{"appointmentId":"b-1","n":4}').detail('n')).toBe('4');
		expect(fact('{"appointmentId":"b-1"}').detail('practitionerId')).toBeNull();
		expect(fact('{"practitioner\\u0049d":"dr-2"}').detail('practitionerId')).toBe('dr-2');
		expect(fact('practitionerId: dr-2 (free text)').detail('practitionerId')).toBeNull();
		expect(fact(null).detail('practitionerId')).toBeNull();
	});
});
