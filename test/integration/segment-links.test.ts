import { beforeAll, describe, expect, it } from 'vitest';
import { putCampaign } from '@shared/app/campaigns';
import { putProgram } from '@shared/app/put-program';
import { deleteSegment, putSegment } from '@shared/app/segments';
import { executeOnce } from '@shared/app/support/execute';
import type { Caller, UseCase } from '@shared/app/support/outcome';
import type { ProgramRules } from '@shared/schemas/program';
import { findCampaign } from '@shared/store/items/campaign';
import { findSegment } from '@shared/store/items/segment';
import { readProgram } from '@shared/store/program';
import { useFreshTable } from '../support/table';

/**
 * A segment's delete and a save that names the segment, interleaved on real DynamoDB: each is
 * decided, the other commits in between, and only then the first commits. Whichever order, the
 * store never ends with a rule or a campaign naming a deleted segment: the one that committed
 * second decides again and is refused (409 segment-in-use, or 400 unknown-segment).
 */
const admin: Caller = { partnerId: 'admin', now: () => new Date(), idempotency: undefined };

/** `useCase`, with `meanwhile` committed after its first decision and before that decision commits. */
function interleaved<R>(useCase: UseCase<R>, meanwhile: () => Promise<unknown>): UseCase<R> {
  return async (caller) => {
    const decide = await useCase(caller);
    if (typeof decide !== 'function') throw new Error('these use cases write nothing before they decide');
    let first = true;
    return async (at) => {
      const decided = await decide(at);
      if (first) {
        first = false;
        await meanwhile();
      }
      return decided;
    };
  };
}

async function rulesNaming(segmentId: string): Promise<ProgramRules> {
  const { version: _version, updatedAt: _updatedAt, ...rules } = (await readProgram()).program;
  return {
    ...rules,
    rules: [
      {
        id: `club-${segmentId}`,
        name: 'Club bonus',
        when: { segments: [segmentId] },
        effect: { type: 'bonus', points: 5 },
      },
    ],
  } as ProgramRules;
}

const campaignOn = (segmentId: string) => ({
  name: segmentId,
  segmentId,
  startsAt: '2020-01-01T00:00:00.000Z',
  effect: { type: 'bonus' as const, points: 10 },
  limits: { perMember: 1 },
});

const list = (segmentId: string) => executeOnce(putSegment(segmentId, { name: segmentId, list: true }), admin);

beforeAll(async () => {
  await useFreshTable();
});

describe('a segment delete and a save naming it, interleaved', () => {
  it('a campaign saved between the delete’s reads and its commit: the delete decides again and answers segment-in-use', async () => {
    await list('a');
    const deleting = interleaved(deleteSegment('a'), () => executeOnce(putCampaign('on-a', campaignOn('a')), admin));
    await expect(executeOnce(deleting, admin)).rejects.toMatchObject({ code: 'segment-in-use' });
    expect(await findSegment('a')).toBeDefined();
    expect(await findCampaign('on-a')).toBeDefined();
  });

  it('a program rule saved between the delete’s reads and its commit: the same', async () => {
    await list('b');
    const rules = await rulesNaming('b');
    const deleting = interleaved(deleteSegment('b'), () => executeOnce(putProgram(rules), admin));
    await expect(executeOnce(deleting, admin)).rejects.toMatchObject({ code: 'segment-in-use' });
    expect(await findSegment('b')).toBeDefined();
  });

  it('a delete between a program save’s check of its segments and its commit: the save decides again, 400 unknown-segment', async () => {
    await list('c');
    const rules = await rulesNaming('c');
    const before = (await readProgram()).program.version;
    const saving = interleaved(putProgram(rules), () => executeOnce(deleteSegment('c'), admin));
    await expect(executeOnce(saving, admin)).rejects.toMatchObject({ code: 'unknown-segment' });
    expect(await findSegment('c')).toBeUndefined();
    expect((await readProgram()).program.version).toBe(before);
  });

  it('a delete between a campaign save’s reads and its commit: the save is refused, the segment is gone', async () => {
    await list('d');
    const saving = interleaved(putCampaign('on-d', campaignOn('d')), () => executeOnce(deleteSegment('d'), admin));
    await expect(executeOnce(saving, admin)).rejects.toMatchObject({ code: 'unknown-segment' });
    expect(await findCampaign('on-d')).toBeUndefined();
  });
});
