// The configurable numbers of the referral workflow (deadlines, presumptive period), read once from configuration.
import type { DeadlinePolicy } from './deadlines.js';

export interface ReferralPolicy extends DeadlinePolicy {
  /** Length of an ECM presumptive authorization, in days. */
  presumptiveDays: number;
}

export const DEFAULT_REFERRAL_POLICY: ReferralPolicy = { routineBusinessDays: 5, expeditedHours: 72, holidays: [], presumptiveDays: 30 };
