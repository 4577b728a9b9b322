import type { Scenario } from '../scenario';
import { packageScenario } from './package';
import { triggerScenario } from './trigger';

/** Every scenario, in run order. */
export const scenarios: Scenario[] = [packageScenario, triggerScenario];
