import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as app from '@shared/app';
import { putCampaign, type CampaignTerms } from '@shared/app/campaigns';
import { putSegment } from '@shared/app/segments';
import { campaignList } from '@shared/store/campaigns';
import { commit } from '@shared/store/commit';
import { campaignDelete, findCampaign } from '@shared/store/items/campaign';
import { applyCampaigns } from '@shared/app/support/campaign-effects';
import { execute, executeOnce } from '@shared/app/support/execute';
import type { Caller, UseCase } from '@shared/app/support/outcome';
import { findMember } from '@shared/store/items/member';
import { queryAll } from '@shared/store/query';
import { memberPartition } from '@shared/store/keys';
import { putReward } from '../support/use-cases';
import { useFreshTable } from '../support/table';

/**
 * The campaigns' hook on real DynamoDB, fed the segments a write entered: what it adds joins the
 * write's one transaction (member, entries, code items, events) and a campaign applies at most
 * `perMember` times, also when writes of one member race.
 */
const clock = () => new Date();
const partner = (key?: string): Caller => ({
  partnerId: 'till',
  now: clock,
  idempotency: key ? { scope: 'till', key, requestHash: `hash-${key}` } : undefined,
});

/** A member write (a name change) that enters `entered`: what the membership hook hands the campaigns. */
function renameEntering(memberId: string, name: string, entered: string[]): UseCase<unknown> {
  return async (caller) => {
    const decide = await app.updateMember(memberId, { name })(caller);
    if (typeof decide !== 'function') throw new Error('a name change writes nothing before it decides');
    return async (now) => {
      const decided = await decide(now);
      await applyCampaigns(
        decided,
        decided.members.map((write) => ({ write, entered })),
        now,
        caller.partnerId,
      );
      return decided;
    };
  };
}

const campaign = (segmentId: string, effect: CampaignTerms['effect'], perMember = 1): CampaignTerms => ({
  name: segmentId,
  segmentId,
  startsAt: '2020-01-01T00:00:00.000Z',
  effect,
  limits: { perMember },
});

async function enrol(): Promise<string> {
  const enrolled = await executeOnce(app.enrolMember({ consent: { marketing: true, analytics: false } }), partner());
  return enrolled.memberId;
}

async function memberItems(memberId: string) {
  return queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
    ConsistentRead: true,
  });
}
const admin = { partnerId: 'admin', now: clock };

beforeAll(async () => {
  await useFreshTable({ bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } });
  await putReward(
    'coffee',
    {
      name: 'Coffee',
      pointsCost: 5,
      active: true,
      fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' },
    },
    clock,
  );
  for (const segmentId of ['lapsed', 'gone-segment'])
    await executeOnce(putSegment(segmentId, { name: segmentId, list: true }), admin);
  await executeOnce(putCampaign('bonus', campaign('lapsed', { type: 'bonus', points: 300 })), admin);
  await executeOnce(putCampaign('code', campaign('lapsed', { type: 'reward', rewardId: 'coffee' })), admin);
  await executeOnce(putCampaign('triple', campaign('lapsed', { type: 'multiplier', factor: 3, days: 30 }, 2)), admin);
});

describe('campaign effects in the entry write', () => {
  it('applies every effect in the write that entered, and a bonus, a code and a boost once each', async () => {
    const memberId = await enrol();
    await execute(renameEntering(memberId, 'Ann', ['lapsed']), partner());
    await execute(renameEntering(memberId, 'Ann B', ['lapsed']), partner());
    const member = await findMember(memberId);
    expect(member?.points.balance).toBe(300);
    expect(member?.campaigns?.applied).toEqual({ bonus: 1, code: 1, triple: 2 });
    expect(member?.campaigns?.boosts).toHaveLength(1);
    const items = await memberItems(memberId);
    const bonuses = items.filter((item) => item.entity === 'ledger' && item.type === 'bonus');
    expect(bonuses.map((item) => item.breakdown)).toEqual([[{ rule: 'campaign:bonus', points: 300 }]]);
    const events = items.filter((item) => item.entity === 'event');
    const types = events.map((event) => String(event.type));
    expect(types.filter((type) => type === 'campaign.applied')).toHaveLength(4);
    expect(types.filter((type) => type === 'code.issued')).toHaveLength(1);
  });

  it('replays a retry with the same Idempotency-Key and decides racing writes again: the bonus once', async () => {
    const memberId = await enrol();
    const key = randomUUID();
    const record = () => ({ status: 200 });
    const first = await execute(renameEntering(memberId, 'Bo', ['lapsed']), partner(key), record);
    const again = await execute(renameEntering(memberId, 'Bo', ['lapsed']), partner(key), record);
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    const other = await enrol();
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => execute(renameEntering(other, `Cy ${i}`, ['lapsed']), partner())),
    );
    expect((await findMember(memberId))?.points.balance).toBe(300);
    expect((await findMember(other))?.points.balance).toBe(300);
    expect((await findMember(other))?.campaigns?.applied.bonus).toBe(1);
  });

  it('does nothing for a campaign deleted by another instance: the revision check fails, the cache is read again', async () => {
    await executeOnce(putCampaign('gone', campaign('gone-segment', { type: 'bonus', points: 7 })), admin);
    const memberId = await enrol();
    // Another instance deletes it while this one holds the list: the revision check finds out.
    expect((await campaignList()).map((c) => c.campaignId)).toContain('gone');
    const gone = await findCampaign('gone');
    if (!gone) throw new Error('no campaign gone');
    await commit({ members: [], writes: [{ item: campaignDelete(gone) }] }, undefined, new Date());
    expect((await campaignList()).map((c) => c.campaignId)).toContain('gone');
    await execute(renameEntering(memberId, 'Di', ['gone-segment']), partner());
    expect((await findMember(memberId))?.points.balance).toBe(0);
  });
});
