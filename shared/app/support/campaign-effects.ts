import {
  campaignBonus,
  campaignsForEntry,
  owedCampaigns,
  timesApplied,
  withCampaignApplied,
  withCampaignsOwed,
  type CampaignState,
  type OwedCampaign,
} from '@shared/domain/campaigns';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import type { MemberState } from '@shared/domain/member';
import { touchesAny, type ConditionalWrite, type MemberWrite } from '@shared/store/commit';
import { VersionConflictError } from '@shared/store/errors';
import { campaignList, forgetCachedCampaigns } from '@shared/store/campaigns';
import { campaignRevisionCheck } from '@shared/store/items/campaign';
import { cachedProgram, currentProgram } from '@shared/store/program';
import { logger } from '@shared/observability';
import { transactionEvent } from './emit';
import type { EmittedEvent, Outcome } from './outcome';
import { postingContext } from './posting';
import { roomLeft } from './transaction-room';
import { giftRewardCode } from './reward-codes';

/**
 * Campaigns in the use cases: what a member gets on entering a segment joins the SAME
 * transaction as the entry (the segment membership hook, ./segment-membership.ts, says which
 * segments each member write entered). The member item counts each campaign's applications, so
 * a campaign applies at most `perMember` times however the entries come (a retry with the same
 * Idempotency-Key replays the first answer without deciding again; concurrent writes of one
 * member conflict on its version and decide again on the new state). Each application checks
 * the campaign's revision: a campaign changed or deleted since this instance cached the list
 * fails the transaction, the cache is forgotten and the write is decided again.
 */

/**
 * A campaign that would not fit in the write's transaction (./transaction-room.ts) is owed: kept
 * on the member in the same write (so the member's own write never fails for a campaign and
 * nothing earned is lost) and applied by the next writes of the member, the time job's first
 * (`owedCampaignsRule`).
 */

/** What one application adds to the transaction, at most (a reward's code: code, pointer, due item, stock, counts, events). */
const ITEMS_PER_APPLICATION = { bonus: 4, reward: 9, multiplier: 2 } as const;

export interface SegmentEntry {
  write: MemberWrite;
  /** The segments this write made the member enter. */
  entered: readonly string[];
}

/**
 * The segments each member write of the outcome entered, as the membership hook
 * (./segment-membership.ts) put them in the outcome: its `segment.entered` events.
 */
export function segmentEntries(decided: Pick<Outcome<unknown>, 'members' | 'events'>): SegmentEntry[] {
  return decided.members.flatMap((write) => {
    const entered = decided.events
      .filter((event) => event.type === 'segment.entered' && event.memberId === write.member.memberId)
      .map((event) => String(event.data.segmentId));
    return entered.length > 0 ? [{ write, entered }] : [];
  });
}

export async function applyCampaigns(
  decided: Outcome<unknown>,
  entries: readonly SegmentEntry[],
  at: Date,
  partnerId: string,
): Promise<void> {
  const owing = decided.members.some((write) => (write.member.campaigns?.owed?.length ?? 0) > 0);
  if (!owing && !entries.some((entry) => entry.entered.length > 0)) return;
  const campaigns = await campaignList();
  const known = new Set(campaigns.map((campaign) => campaign.campaignId));
  const program = cachedProgram() ?? (await currentProgram());
  const context = postingContext({ partnerId }, program, at);
  for (const write of decided.members) {
    const entered = entries.find((entry) => entry.write === write)?.entered ?? [];
    // What earlier entries owe first, in the order they were earned; then this write's entries.
    const due = [
      ...owedCampaigns(write.member, campaigns),
      ...campaignsForEntry(campaigns, entered, write.member, at).map((campaign) => ({ campaign, enteredAt: at })),
    ];
    if (due.length === 0 && !write.member.campaigns?.owed) continue;
    const owed: OwedCampaign[] = [];
    for (const { campaign, enteredAt } of due) {
      const applied =
        owed.length === 0 &&
        roomFor(decided, campaign) &&
        (await applyOne(decided, write, campaign, known, { at, enteredAt }, context));
      if (!applied) owed.push({ campaignId: campaign.campaignId, enteredAt: enteredAt.toISOString() });
    }
    write.member = withCampaignsOwed(write.member, owed);
    // What is owed makes the member due now: the schedule key follows the member (execute's
    // scheduleMembers, after the hooks), so the time job's next run applies it.
    if (owed.length > 0) logger.info('campaigns owed: the transaction is full', { campaigns: owed.length });
  }
}

const roomFor = (decided: Outcome<unknown>, campaign: CampaignState) =>
  ITEMS_PER_APPLICATION[campaign.effect.type] <= roomLeft(decided);

async function applyOne(
  decided: Outcome<unknown>,
  write: MemberWrite,
  campaign: CampaignState,
  known: ReadonlySet<string>,
  { at, enteredAt }: { at: Date; enteredAt: Date },
  context: ReturnType<typeof postingContext>,
): Promise<boolean> {
  const { memberId } = write.member;
  // A boost runs from the entry that earned it (an owed campaign applies later than that).
  let member: MemberState = withCampaignApplied(write.member, campaign, enteredAt, known);
  const writes: ConditionalWrite[] = [
    {
      item: campaignRevisionCheck(campaign),
      onConditionFailed: () => {
        forgetCachedCampaigns();
        return new VersionConflictError();
      },
    },
  ];
  const events: EmittedEvent[] = [];
  const entries: LedgerEntry[] = [];
  const applied = { campaignId: campaign.campaignId, segmentId: campaign.segmentId, type: campaign.effect.type };
  let detail: Record<string, unknown> = {};
  const bonus = campaignBonus(campaign);
  if (bonus) {
    const posted = postMovements(member, [bonus], context);
    // The entries of the write so far come first: the bonus takes the next index of the same version.
    const entry: LedgerEntry = { ...(posted.entries[0] as LedgerEntry), index: write.entries.length };
    member = posted.member;
    entries.push(entry);
    events.push(transactionEvent('points.earned', entry));
    detail = { points: bonus.points, transactionId: entry.transactionId };
  } else if (campaign.effect.type === 'reward') {
    const gift = await giftRewardCode(member, campaign.effect.rewardId, at);
    if ('gifted' in gift) {
      member = gift.gifted.member;
      writes.push(...gift.gifted.writes);
      events.push(...gift.gifted.events);
      detail = { rewardId: campaign.effect.rewardId, codeId: gift.gifted.code.codeId };
    } else detail = { rewardId: campaign.effect.rewardId, skipped: gift.skipped };
  } else if (campaign.effect.type === 'multiplier') {
    const boost = member.campaigns?.boosts?.find((candidate) => candidate.campaignId === campaign.campaignId);
    detail = { factor: campaign.effect.factor, ...(boost ? { until: boost.until } : {}) };
  }
  // One transaction may not touch an item twice: a second code of one reward (its stock and
  // counts), or one campaign owed twice, waits for the member's next write.
  if (touchesAny(writes, decided.writes)) return false;
  write.member = member;
  write.entries = [...write.entries, ...entries];
  decided.writes.push(...writes);
  decided.events.push(...events, {
    type: 'campaign.applied',
    memberId,
    data: { ...applied, ...detail, applied: timesApplied(member, campaign.campaignId) },
  });
  return true;
}
