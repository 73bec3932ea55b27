import { DomainError } from '@shared/domain/errors';
import type { Program, ProgramRules } from '@shared/schemas/program';
import type { ConditionalWrite } from '@shared/store/commit';
import { programCurrentPut, programVersionPut } from '@shared/store/items/program';
import { forgetCachedProgram, readProgram } from '@shared/store/program';
import { outcome, type UseCase } from './use-case';

/**
 * A new version of the program: the current pointer (conditioned on the version it replaces,
 * so two admins cannot both write version n+1) and an immutable copy of the version for history.
 */
export function putProgram(rules: ProgramRules): UseCase<Program> {
  return async () => {
    const current = await readProgram();
    return (now) => {
      const previous = current.program;
      const program: Program = { ...rules, version: previous.version + 1, updatedAt: now.toISOString() };
      const writes: ConditionalWrite[] = [
        {
          item: programCurrentPut(program, current.stored ? previous.version : undefined),
          onConditionFailed: () =>
            new DomainError('program-conflict', 'The program changed while this update was made; read it again.'),
        },
        { item: programVersionPut(program) },
      ];
      // The default that was in force until now becomes part of the history too.
      if (!current.stored) writes.push({ item: programVersionPut(previous) });
      return outcome(program, { writes }, { afterCommit: forgetCachedProgram });
    };
  };
}
