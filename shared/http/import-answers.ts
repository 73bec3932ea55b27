import type { StoredLineError } from '@shared/store/items/import';
import { PROBLEM_TYPE_BASE } from './problems';

/** Titles of the problems a line can have; the domain errors keep their own (problems.ts). */
const LINE_TITLES: Record<string, string> = {
  'malformed-json': 'Malformed JSON',
  'line-too-long': 'Line too long',
  'validation-error': 'Invalid line',
  'member-not-found': 'Member not found',
  'member-erased': 'Member erased',
  'currency-mismatch': 'Wrong currency',
  'occurred-at-out-of-range': 'Time out of range',
};

/** A bad line as the API shows it: its number and an RFC 9457-shaped problem with the paths of its fields. */
export function lineErrorView(error: StoredLineError) {
  const { code, detail, errors } = error.problem;
  return {
    line: error.line,
    problem: {
      type: PROBLEM_TYPE_BASE + code,
      title: LINE_TITLES[code] ?? 'Line not imported',
      detail,
      ...(errors && errors.length > 0 ? { errors } : {}),
    },
  };
}
