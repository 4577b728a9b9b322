import { detectAuditEntry, withOverrides } from '../../../core/audit/detect';

describe('audit entry detection', () => {
	it('maps an inbound Trigger message event (text, media caption, interactive reply)', () => {
		const base = {
			event: 'message',
			field: 'messages',
			messageId: 'wamid.IN1',
			from: '5511987654321',
			userId: 'BR.77',
			timestamp: '2025-01-01T10:00:00.000Z',
		};
		expect(detectAuditEntry({ ...base, type: 'text', text: 'Preciso remarcar' })).toMatchObject({
			direction: 'inbound',
			event: 'message.received',
			patientPhone: '5511987654321',
			userId: 'BR.77',
			messageId: 'wamid.IN1',
			content: 'Preciso remarcar',
			details: { type: 'text', mediaKind: null },
		});
		expect(
			detectAuditEntry({ ...base, type: 'image', text: null, media: { kind: 'image', caption: 'receita' } }),
		).toMatchObject({
			content: 'receita',
			details: { mediaKind: 'image' },
		});
		expect(
			detectAuditEntry({
				...base,
				type: 'interactive',
				text: null,
				interactive: { buttonReply: { id: 'yes', title: 'Confirmar' } },
			}).content,
		).toBe('Confirmar');
	});

	it('maps a status event, failed statuses as serious failures with the Meta error code', () => {
		const e = detectAuditEntry({
			event: 'status',
			status: 'failed',
			messageId: 'wamid.OUT1',
			recipient: '14155550100',
			recipientUserId: null,
			errors: [{ code: 131026, title: 'Message undeliverable' }],
			pricing: { category: 'utility' },
		});
		expect(e).toMatchObject({
			direction: 'status',
			event: 'status.failed',
			outcome: 'serious-failure',
			patientPhone: '14155550100',
			messageId: 'wamid.OUT1',
			details: {
				status: 'failed',
				errorCode: '131026',
				error: 'Message undeliverable',
				pricingCategory: 'utility',
			},
		});
		expect(detectAuditEntry({ event: 'status', status: 'read', messageId: 'wamid.X' }).outcome).toBe(
			'success',
		);
	});

	it('maps send results and error items from the Send nodes', () => {
		expect(
			detectAuditEntry({
				messageId: 'wamid.S1',
				waId: '5511987654321',
				input: '+55 11 98765-4321',
				messageStatus: 'accepted',
				template: 'appointment_reminder',
			}),
		).toMatchObject({
			direction: 'outbound',
			event: 'message.sent',
			patientPhone: '5511987654321',
			template: 'appointment_reminder',
			outcome: 'success',
		});
		expect(
			detectAuditEntry({
				to: '+5511987654321',
				error: { message: 'Re-engagement window closed', code: 131047 },
			}),
		).toMatchObject({
			direction: 'outbound',
			event: 'message.failed',
			outcome: 'serious-failure',
			details: { errorCode: '131047', error: 'Re-engagement window closed' },
		});
	});

	it('maps consent changes and bookings as system entries and ignores non-phone "to" values', () => {
		expect(
			detectAuditEntry({ event: 'consent.withdrawn', patientPhone: '+5511987654321', purpose: 'marketing' }),
		).toMatchObject({
			direction: 'system',
			event: 'consent.withdrawn',
			purpose: 'marketing',
			patientPhone: '+5511987654321',
		});
		const booking = detectAuditEntry({ appointmentId: 'A-12', status: 'booked', to: 'US.1234567' });
		expect(booking).toMatchObject({
			direction: 'system',
			event: 'booking.changed',
			details: { appointmentId: 'A-12', status: 'booked' },
		});
		expect(booking.patientPhone).toBeNull();
	});

	it('overrides win over detection, empty values and "auto" do not', () => {
		const d = detectAuditEntry({ event: 'message', messageId: 'wamid.1', from: '5511987654321', text: 'hi' });
		const o = withOverrides(d, {
			direction: 'auto',
			event: '',
			purpose: 'triage',
			messageId: 'wamid.custom',
		});
		expect(o).toMatchObject({
			direction: 'inbound',
			event: 'message.received',
			purpose: 'triage',
			messageId: 'wamid.custom',
		});
	});
});
