import { isDeepStrictEqual } from 'node:util';
import { DomainError } from '@shared/domain/errors';
import type { Program, ProgramRules } from '@shared/schemas/program';
import type { ConditionalWrite } from '@shared/store/commit';
import { findProgramVersion, programCurrentPut, programVersionPut } from '@shared/store/items/program';
import { forgetCachedProgram, readProgram } from '@shared/store/program';
import { findReward } from '@shared/store/items/reward';
import { findSegment, readSegmentLinks, segmentNamingAdd } from '@shared/store/items/segment';
import { outcome, type UseCase } from './support/outcome';
import { codeFulfilmentOf } from './support/reward-codes';

/** The version a change was made on: `If-Match` (412 when moved on, or weak) and/or the body's `version` (409). */
export interface ProgramPreconditions {
  /** The version an `If-Match` names, and whether its tag was weak (`W/"4"`). */
  ifMatch?: { version: number; weak: boolean } | undefined;
  version?: number | undefined;
}

export interface ProgramPut {
  program: Program;
  /** False when the rules equal the ones in force: nothing was saved. */
  saved: boolean;
}

const rulesOf = (program: Program): ProgramRules => {
  const { version: _version, updatedAt: _updatedAt, ...rules } = program;
  return rules;
};

function assertPreconditions(current: Program, preconditions: ProgramPreconditions): void {
  const { ifMatch, version } = preconditions;
  // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag never matches, whatever its version.
  if (ifMatch?.weak)
    throw new DomainError(
      'program-precondition-failed',
      `If-Match takes the strong ETag "${current.version}"; a weak tag (W/) never matches.`,
    );
  if (ifMatch !== undefined && ifMatch.version !== current.version)
    throw new DomainError(
      'program-precondition-failed',
      `If-Match names version ${ifMatch.version}; the program is at version ${current.version}. Read it again.`,
    );
  if (version !== undefined && version !== current.version)
    throw new DomainError(
      'program-conflict',
      `The change was made on version ${version}; the program is at version ${current.version}. Read it again.`,
      [{ path: 'body.version', message: `must be the current version ${current.version}` }],
    );
}

/**
 * A rule's `reward` effect (a gift) names a reward fulfilled by a code: anything else is refused
 * at its path (400 unknown-reward), and nothing is saved. A reward changed later to another kind
 * makes the gift skipped at the earn, noted in its breakdown line.
 */
async function assertGiftRewards(rules: ProgramRules): Promise<void> {
  const gifts = (rules.rules ?? []).flatMap((rule, index) =>
    rule.effect.type === 'reward' ? [{ index, rewardId: rule.effect.rewardId }] : [],
  );
  if (gifts.length === 0) return;
  const ids = [...new Set(gifts.map((gift) => gift.rewardId))];
  const rewards = new Map(await Promise.all(ids.map(async (id) => [id, await findReward(id)] as const)));
  const errors = gifts.flatMap(({ index, rewardId }) => {
    const reward = rewards.get(rewardId);
    if (reward && codeFulfilmentOf(reward)) return [];
    const why = reward ? 'is not fulfilled by a code' : 'does not exist';
    return [{ path: `body.rules.${index}.effect.rewardId`, message: `reward "${rewardId}" ${why}` }];
  });
  if (errors.length > 0)
    throw new DomainError('unknown-reward', 'A rule gives a reward that is not a code reward.', errors);
}

/**
 * The segments the rules name (`when.segments`) must exist: an unknown one is refused at its path
 * (400 unknown-segment). Read at each attempt, not checked one by one in the save's transaction
 * (up to 100 segments would not fit in it beside the program's writes): the transaction instead
 * counts a naming, conditioned on the segment deletions read before the segments (a delete in
 * between makes the save decide again). Undefined when the rules name no segment.
 */
async function assertRuleSegments(rules: ProgramRules): Promise<ConditionalWrite | undefined> {
  const named = (rules.rules ?? []).flatMap((rule, index) =>
    (rule.when?.segments ?? []).map((segmentId, s) => ({ segmentId, path: `body.rules.${index}.when.segments.${s}` })),
  );
  if (named.length === 0) return undefined;
  const links = await readSegmentLinks();
  const ids = [...new Set(named.map((name) => name.segmentId))];
  const found = new Map(await Promise.all(ids.map(async (id) => [id, await findSegment(id)] as const)));
  const errors = named
    .filter(({ segmentId }) => !found.get(segmentId))
    .map(({ segmentId, path }) => ({ path, message: `no segment "${segmentId}"` }));
  if (errors.length > 0)
    throw new DomainError('unknown-segment', 'A rule names a segment that does not exist.', errors);
  return { item: segmentNamingAdd(links.deletions) };
}

/**
 * A new version of the program: the current pointer (conditioned on the version it replaces,
 * so two admins cannot both write version n+1) and an immutable copy of the version for history.
 * The preconditions are checked on fresh state at every attempt; rules equal to those in force
 * save nothing and answer the program in force.
 */
export function putProgram(rules: ProgramRules, preconditions: ProgramPreconditions = {}): UseCase<ProgramPut> {
  return () => async (now) => {
    const current = await readProgram();
    const previous = current.program;
    assertPreconditions(previous, preconditions);
    if (isDeepStrictEqual(rulesOf(previous), rules)) return outcome({ program: previous, saved: false });
    await assertGiftRewards(rules);
    const segmentsNamed = await assertRuleSegments(rules);
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
    if (segmentsNamed) writes.push(segmentsNamed);
    const audit = {
      kind: 'program.saved',
      target: 'program',
      summary: `Program version ${program.version} saved`,
    } as const;
    return outcome({ program, saved: true }, { writes, audit }, { afterCommit: forgetCachedProgram });
  };
}

/** One version of the program, as it was saved (the deployment's default is version 1 until a PUT). */
export async function getProgramVersion(version: number): Promise<Program> {
  const saved = await findProgramVersion(version);
  if (saved) return saved;
  const current = await readProgram();
  if (!current.stored && current.program.version === version) return current.program;
  throw new DomainError('program-version-not-found', `The program has no version ${version}.`);
}
