import type { Scenario } from '../scenario';
import { bookingScenario } from './booking';
import { callMeScenario } from './call-me';
import { chatPageScenario } from './chat-page';
import { consentFailClosedScenario } from './consent-fail-closed';
import { flowChatPageScenario } from './flow-chat-page';
import { flowEndpointScenario } from './flow-endpoint';
import { groupCareTeamScenario } from './group-care-team';
import { languageChoiceScenario, languageSpanishScenario } from './language';
import { packageScenario } from './package';
import { remindersScenario } from './reminders';
import { remindersPagedScenario } from './reminders-paged';
import { sendScenarios } from './send';
import { sendConsentScenario } from './send-consent';
import { sendContactsScenario } from './send-contacts';
import { sendFaultsScenario } from './send-faults';
import { sendTypedVariablesScenario } from './send-typed';
import { kpiReportScenario } from './kpi-report';
import { auditScenario, followUpScenario, labScenario, telemedicineScenario } from './services';
import { triggerScenario } from './trigger';
import { waitlistBackfillScenario } from './waitlist-backfill';

/** Every scenario, in run order (kpi-report and audit-chain last: they read what the others produced). */
export const scenarios: Scenario[] = [
	packageScenario,
	triggerScenario,
	bookingScenario,
	// Early in the run: it seeds the first free time tomorrow. After the reminder scenarios that time had been freed
	// before with nobody waiting, and workflow 08 waited for that record's next wave (fixed in core/waitlist/offers.ts).
	waitlistBackfillScenario,
	languageSpanishScenario,
	languageChoiceScenario,
	remindersScenario,
	remindersPagedScenario,
	labScenario,
	telemedicineScenario,
	followUpScenario,
	chatPageScenario,
	groupCareTeamScenario,
	callMeScenario,
	...sendScenarios,
	sendContactsScenario,
	sendTypedVariablesScenario,
	sendConsentScenario,
	consentFailClosedScenario,
	flowEndpointScenario,
	flowChatPageScenario,
	sendFaultsScenario,
	kpiReportScenario,
	auditScenario,
];
