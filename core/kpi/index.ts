/** KPI report on the audit log and the appointments: figures, CSV and an HTML page with charts. */
export {
	buildKpiReport,
	ALL,
	TOTAL,
	type KpiReport,
	type KpiReportOptions,
	type DayResponseRow,
} from './report';
export {
	storedAppointments,
	appointmentsFromItems,
	appointmentFromJson,
	type AppointmentFact,
	type AppointmentSource,
} from './appointments';
export { KPI_EVENTS, REMINDER_PURPOSE, isSatisfied } from './events';
export { type KpiRow, ROW_COLUMNS } from './tally';
export { kpiCsv } from './csv';
export { kpiHtml, formatWait, type HtmlOptions } from './html';
export { reportCharts, type ChartSpec } from './charts';
export { renderSvg } from './render';
