import type { ProgramRules } from '@shared/schemas/program';

/**
 * The program a new deployment starts with (version 1 until an admin saves another):
 * EUR, 1 point per euro, three tiers. Regions may override it in their config.
 */
export const defaultProgram: ProgramRules = {
  currency: 'EUR',
  earn: { pointsPerUnit: 1 },
  tiers: [
    {
      id: 'member',
      name: 'Member',
      minQualifyingSpend: { value: 0, currency: 'EUR' },
      pointsMultiplier: 1,
      cashbackRate: 100,
      discountRate: 0,
    },
    {
      id: 'silver',
      name: 'Silver',
      minQualifyingSpend: { value: 50_000, currency: 'EUR' },
      pointsMultiplier: 1.25,
      cashbackRate: 200,
      discountRate: 500,
    },
    {
      id: 'gold',
      name: 'Gold',
      minQualifyingSpend: { value: 200_000, currency: 'EUR' },
      pointsMultiplier: 1.5,
      cashbackRate: 300,
      discountRate: 1000,
    },
  ],
  promotions: [],
  bonuses: {
    signup: 100,
    referrer: 250,
    referee: 100,
    birthday: 200,
    spendThreshold: { amount: { value: 10_000, currency: 'EUR' }, points: 50 },
  },
  cashback: { holdDays: 14 },
  expiry: { inactivityMonths: 24 },
};
