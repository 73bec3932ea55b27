import type { ProgramRules } from '@shared/schemas/program';
import type { Movement } from './ledger';

/** Bonuses at enrolment: sign-up for everyone, referee for who came with a code. Zero-point bonuses are not posted. */
export function enrolmentMovements(program: Pick<ProgramRules, 'bonuses'>, referred: boolean): Movement[] {
  const movements: Movement[] = [];
  if (program.bonuses.signup > 0)
    movements.push({
      type: 'bonus',
      points: program.bonuses.signup,
      breakdown: [{ rule: 'signup', points: program.bonuses.signup }],
    });
  if (referred && program.bonuses.referee > 0)
    movements.push({
      type: 'bonus',
      points: program.bonuses.referee,
      breakdown: [{ rule: 'referee', points: program.bonuses.referee }],
    });
  return movements;
}

/** The referrer's reward for bringing a friend, posted in the same write as the friend's enrolment. */
export function referrerMovements(program: Pick<ProgramRules, 'bonuses'>): Movement[] {
  return program.bonuses.referrer > 0
    ? [
        {
          type: 'bonus',
          points: program.bonuses.referrer,
          breakdown: [{ rule: 'referrer', points: program.bonuses.referrer }],
        },
      ]
    : [];
}
