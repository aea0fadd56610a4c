// Community Supports limits as data (ecm-cs-policy.md §3.2; the numbers there are marked unverified): one row per cap.
export type CapRule =
  | { id: string; kind: 'once-per-lifetime'; label: string; services: string[]; /** Extra approvals allowed with a documented change of circumstances. */ extraWithChange: number }
  | { id: string; kind: 'lifetime-dollars'; label: string; services: string[]; limitCents: number; exceptionWithChange: boolean }
  | { id: string; kind: 'rolling-days'; label: string; services: string[]; limitDays: number; windowDays: number };

export const CAP_RULES: CapRule[] = [
  { id: 'housing-deposits-lifetime', kind: 'once-per-lifetime', label: 'Housing Deposits: once per lifetime', services: ['housing-deposits'], extraWithChange: 1 },
  { id: 'tenancy-sustaining-lifetime', kind: 'once-per-lifetime', label: 'Housing Tenancy and Sustaining Services: one duration per lifetime', services: ['housing-tenancy-sustaining'], extraWithChange: 1 },
  { id: 'community-transition-7500', kind: 'lifetime-dollars', label: 'Community Transition Services: $7,500 per lifetime', services: ['community-transition'], limitCents: 750_000, exceptionWithChange: false },
  { id: 'home-modifications-7500', kind: 'lifetime-dollars', label: 'Environmental Accessibility Adaptations: $7,500 per lifetime', services: ['home-modifications'], limitCents: 750_000, exceptionWithChange: true },
  { id: 'asthma-remediation-7500', kind: 'lifetime-dollars', label: 'Asthma Remediation: $7,500 per lifetime', services: ['asthma-remediation'], limitCents: 750_000, exceptionWithChange: true },
  {
    id: 'housing-6-in-12',
    kind: 'rolling-days',
    label: 'Short-Term Post-Hospitalization Housing + Recuperative Care + Transitional Rent combined: 6 months (180 days) in any rolling 12 months (365 days)',
    services: ['short-term-post-hospitalization-housing', 'recuperative-care', 'transitional-rent'],
    limitDays: 180,
    windowDays: 365,
  },
];
