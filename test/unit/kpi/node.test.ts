/** The Audit Log node's KPI Report operation on a real SQLite store, through a mocked IExecuteFunctions. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { appendAuditEntries } from '../../../core/audit';
import { SqlBookingRepository } from '../../../core/scheduling/repositories/sql';
import { closeAllClinicStores, openClinicStore } from '../../../core/store';
import { AuditLog } from '../../../nodes/AuditLog/AuditLog.node';
import { storeConfigFromCredential } from '../../../nodes/shared/store';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wac-kpinode-'))));
afterEach(async () => {
	await closeAllClinicStores();
	rmSync(dir, { recursive: true, force: true });
});

interface Binary {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

const credentials = () => ({
	backend: 'sqlite',
	sqlitePath: join(dir, 'store.sqlite'),
	phiKey: 'ab'.repeat(32),
	phiKeyId: 'k1',
});

/** An execution context with these parameters and input items (options under `kpiOptions`). */
function run(params: IDataObject, items: INodeExecutionData[] = [{ json: {} }], continueOnFail = false) {
	const files: Binary[] = [];
	const node = { id: 'n1', name: 'KPI report', type: 'n8n-nodes-whatsapp-clinic.auditLog', typeVersion: 1 };
	const context = {
		getInputData: () => items,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
			name in params ? params[name] : fallback,
		getNode: () => node,
		getCredentials: async () => credentials(),
		getWorkflow: () => ({ id: 'wf-6', name: 'KPI', active: true }),
		getExecutionId: () => 'exec-1',
		getTimezone: () => 'America/Sao_Paulo',
		continueOnFail: () => continueOnFail,
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName: string, mimeType: string) => {
				files.push({ data, fileName, mimeType });
				return { data: data.toString('base64'), fileName, mimeType };
			},
		},
	} as unknown as IExecuteFunctions;
	return { files, output: async () => (await new AuditLog().execute.call(context))[0] };
}

const PERIOD = { operation: 'kpiReport', from: '2026-03-02', to: '2026-03-09' };

/** A no-show of dr-ana and a confirmed reminder in the week of 2 March 2026 (São Paulo). */
async function seed(): Promise<void> {
	const store = await openClinicStore(storeConfigFromCredential(credentials()));
	const at = (iso: string) => () => new Date(`${iso}-03:00`);
	await appendAuditEntries(
		store,
		[
			{
				direction: 'outbound',
				event: 'message.sent',
				patientPhone: '+5511911111111',
				messageId: 'wamid.r',
				template: 'appointment_reminder',
				purpose: 'appointment-reminder',
			},
		],
		{ now: at('2026-03-03T09:00') },
	);
	await appendAuditEntries(
		store,
		[
			{
				direction: 'system',
				event: 'appointment.confirmed',
				patientPhone: '+5511911111111',
				details: { appointmentId: 'b1' },
			},
		],
		{ now: at('2026-03-03T09:30') },
	);
	const repo = new SqlBookingRepository(store);
	const start = Date.parse('2026-03-04T12:00:00Z');
	await repo.insertIfFree(
		{
			id: 'b1',
			practitionerId: 'dr-ana',
			serviceId: 's',
			startMs: start,
			endMs: start + 1_800_000,
			status: 'noshow',
			patient: { phone: '+5511911111111' },
			createdAtMs: start - 86_400_000,
			updatedAtMs: start,
		},
		0,
	);
}

describe('Audit Log · KPI Report', () => {
	it('one report item with the totals, every row and the CSV and HTML files named after the period', async () => {
		await seed();
		const { files, output } = run(
			{
				...PERIOD,
				appointmentSource: 'store',
				calendarId: 'default',
				output: 'report',
				kpiOptions: { charts: false },
			},
			[{ json: {} }, { json: {} }],
		);
		const [item, ...more] = await output();
		expect(more).toEqual([]);
		expect(item.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(item.json).toMatchObject({
			timeZone: 'America/Sao_Paulo',
			weeks: ['2026-03-02'],
			practitioners: ['dr-ana', 'unassigned'], // the reminder came before anything named the practitioner
			totals: { remindersSent: 1, remindersConfirmed: 1, noShows: 1, noShowRatePct: 100 },
			files: {
				csv: 'clinic-kpis-2026-03-02-to-2026-03-08.csv',
				html: 'clinic-kpis-2026-03-02-to-2026-03-08.html',
			},
		});
		expect(Object.keys(item.binary ?? {})).toEqual(['data', 'report']);
		expect(files.map((f) => [f.fileName, f.mimeType])).toEqual([
			['clinic-kpis-2026-03-02-to-2026-03-08.csv', 'text/csv'],
			['clinic-kpis-2026-03-02-to-2026-03-08.html', 'text/html'],
		]);
		expect(files[0].data.toString('utf8').split('\r\n')[1]).toMatch(/^2026-03-02,all,/);
		expect(files[1].data.toString('utf8')).toContain('<title>Clinic KPI report</title>');
	});

	it('one item per row from appointments given as input items; the first carries the files', async () => {
		const items = [
			{
				json: {
					id: 'x1',
					start: '2026-03-05T12:00:00Z',
					status: 'fulfilled',
					practitioner: { id: 'dr-bia' },
				},
			},
			{ json: { note: 'not an appointment' } },
		];
		const { output } = run(
			{
				...PERIOD,
				appointmentSource: 'input',
				output: 'rows',
				kpiOptions: { charts: false, csvProperty: 'csv', htmlProperty: 'html' },
			},
			items,
		);
		const rows = await output();
		expect(rows.map((r) => `${r.json.week}/${r.json.practitioner}`)).toEqual([
			'2026-03-02/all',
			'2026-03-02/dr-bia',
			'total/all',
			'total/dr-bia',
		]);
		expect(rows[1].json).toMatchObject({ appointments: 1, attended: 1 });
		expect(Object.keys(rows[0].binary ?? {})).toEqual(['csv', 'html']);
		expect(rows[1].binary).toBeUndefined();
	});

	it('a wrong period is an error naming the field, or an error item with Continue On Fail', async () => {
		const wrong = { ...PERIOD, to: '2026-03-01', appointmentSource: 'none' };
		await expect(run(wrong).output()).rejects.toMatchObject({ message: '"To" must be later than "From"' });
		const [item] = await run(wrong, [{ json: {} }], true).output();
		expect(item.json.error).toMatchObject({ field: 'To', message: '"To" must be later than "From"' });
	});
});
