/**
 * Regenerates workflows/*.json from these sources: `tsx scripts/workflows/build.ts`.
 * The JSON files are what clinics import; this generator keeps node names, connections and the shared clinic
 * rules consistent across them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { reminders } from './appointment-reminders';
import { pagedReminders } from './appointment-reminders-paged';
import { flowBooking, writeBookingFlows } from './flow-booking';
import { careTeamGroup } from './care-team-group';
import { kpiReport } from './kpi-report';
import { labResults } from './lab-results';
import { inbox } from './patient-inbox';
import { followUp } from './post-visit-follow-up';
import { telemedicine } from './telemedicine-handoff';
import { waitlistBackfill } from './waitlist-backfill';

const out = join(__dirname, '..', '..', 'workflows');
mkdirSync(out, { recursive: true });
const files: Array<[string, () => { toJSON(): unknown }]> = [
	['01-patient-inbox-booking-bot.json', inbox],
	['02-appointment-reminders.json', reminders],
	['03-lab-results.json', labResults],
	['04-telemedicine-handoff.json', telemedicine],
	['05-post-visit-follow-up-csat.json', followUp],
	['06-kpi-report.json', kpiReport],
	['07-care-team-group.json', careTeamGroup],
	['08-waitlist-backfill.json', waitlistBackfill],
	['09-flow-booking.json', flowBooking],
	['10-appointment-reminders-paged.json', pagedReminders],
];
for (const [file, make] of files) {
	writeFileSync(join(out, file), `${JSON.stringify(make().toJSON(), null, '\t')}\n`);
	console.log(`workflows/${file}`);
}
for (const file of writeBookingFlows(out)) console.log(file);
