import type { Scenario } from '../scenario';
import { packageScenario } from './package';

/** Every scenario, in run order. */
export const scenarios: Scenario[] = [packageScenario];
