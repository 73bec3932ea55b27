import { DomainError } from './errors';
import type { Movement } from './ledger';
import type { MemberState } from './member';
import { MAX_LATE_DAYS } from './order';
import { DAY_MS } from './time';
import { earliest, type TimeRule } from './time-rule';

/**
 * Campaigns: what a member gets when they enter a segment — a bonus, a reward's code, or a
 * boost of the points of their purchases for some days. Pure rules only: which campaigns apply
 * to an entry, what each one changes on the member, and what a boost adds to an earn. Applying
 * them inside the membership write is shared/app/support/campaign-effects.ts.
 */

export type CampaignEffect =
  | { type: 'bonus'; points: number }
  | { type: 'reward'; rewardId: string }
  | { type: 'multiplier'; factor: number; days: number };

export interface CampaignState {
  campaignId: string;
  name: string;
  segmentId: string;
  startsAt: string;
  endsAt?: string;
  effect: CampaignEffect;
  limits: { perMember: number };
  updatedAt: string;
  /** Moved by every save: an application checks the revision it decided on (the campaign was not changed meanwhile). */
  revision: number;
}

/** At most this many campaigns per program: their marks stay small on the member item. */
export const MAX_CAMPAIGNS = 100;
export const DEFAULT_PER_MEMBER = 1;

/**
 * A boost a multiplier campaign gave the member: purchases whose occurredAt falls in
 * [from, until) earn base × (factor − 1) more, as the breakdown line `campaign:<id>`.
 */
export interface Boost {
  campaignId: string;
  factor: number;
  from: string;
  until: string;
}

/**
 * What campaigns left on the member: how many times each campaign applied (the per-member
 * limit is counted here, so it is exact: the member item is written with a version condition),
 * and the boosts that purchases may still earn (one per campaign: the latest application's).
 */
export interface CampaignMarks {
  applied: Record<string, number>;
  boosts?: Boost[];
  /**
   * Campaigns an entry earned that did not fit in the entry's transaction (DynamoDB's 100 items:
   * a segment may have 100 campaigns), oldest first: kept in the entry's own write, so nothing
   * earned is lost, and applied by the time job (`owedCampaignsRule`) as room allows.
   */
  owed?: OwedCampaign[];
}

/** A campaign the member earned on entering its segment at `enteredAt`, not applied yet. */
export interface OwedCampaign {
  campaignId: string;
  enteredAt: string;
}

export const campaignRule = (campaignId: string) => `campaign:${campaignId}`;

/** A campaign runs from startsAt (inclusive) to endsAt (exclusive; none: no end), judged when the member enters. */
export function campaignRunsAt(campaign: Pick<CampaignState, 'startsAt' | 'endsAt'>, at: Date): boolean {
  const time = at.getTime();
  return Date.parse(campaign.startsAt) <= time && (campaign.endsAt === undefined || time < Date.parse(campaign.endsAt));
}

export function timesApplied(member: Pick<MemberState, 'campaigns'>, campaignId: string): number {
  return member.campaigns?.applied[campaignId] ?? 0;
}

/**
 * The campaigns an entry into `entered` segments applies, in campaignId order: on one of those
 * segments, running now, and applied to this member fewer than `perMember` times.
 */
export function campaignsForEntry(
  campaigns: readonly CampaignState[],
  entered: readonly string[],
  member: Pick<MemberState, 'campaigns'>,
  now: Date,
): CampaignState[] {
  const segments = new Set(entered);
  return campaigns
    .filter(
      (campaign) =>
        segments.has(campaign.segmentId) &&
        campaignRunsAt(campaign, now) &&
        timesApplied(member, campaign.campaignId) < campaign.limits.perMember,
    )
    .sort((a, b) => (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
}

/**
 * A boost is kept while a purchase could still be reported inside it: purchases are accepted up
 * to MAX_LATE_DAYS after they occurred, so a boost is dropped that long after it ended.
 */
export function liveBoosts(boosts: readonly Boost[] | undefined, now: Date): Boost[] {
  const oldest = now.getTime() - MAX_LATE_DAYS * DAY_MS;
  return (boosts ?? []).filter((boost) => Date.parse(boost.until) > oldest);
}

/**
 * The member after `campaign` applied once at `now`: its count moved on and, for a multiplier,
 * its boost from now for `days` days (replacing the campaign's earlier boost). Counts of
 * campaigns that no longer exist (not in `known`) are dropped, so the marks stay bounded.
 */
export function withCampaignApplied(
  member: MemberState,
  campaign: CampaignState,
  now: Date,
  known: ReadonlySet<string>,
): MemberState {
  const applied: Record<string, number> = {};
  for (const [campaignId, count] of Object.entries(member.campaigns?.applied ?? {}))
    if (known.has(campaignId)) applied[campaignId] = count;
  applied[campaign.campaignId] = (applied[campaign.campaignId] ?? 0) + 1;
  let boosts = liveBoosts(member.campaigns?.boosts, now).filter((boost) => known.has(boost.campaignId));
  if (campaign.effect.type === 'multiplier') {
    boosts = boosts.filter((boost) => boost.campaignId !== campaign.campaignId);
    boosts.push({
      campaignId: campaign.campaignId,
      factor: campaign.effect.factor,
      from: now.toISOString(),
      until: new Date(now.getTime() + campaign.effect.days * DAY_MS).toISOString(),
    });
  }
  const owed = member.campaigns?.owed;
  return {
    ...member,
    campaigns: { applied, ...(boosts.length > 0 ? { boosts } : {}), ...(owed?.length ? { owed } : {}) },
  };
}

/** The member with exactly these campaigns owed (none: the mark is dropped). */
export function withCampaignsOwed(member: MemberState, owed: readonly OwedCampaign[]): MemberState {
  const { owed: _before, ...marks } = member.campaigns ?? { applied: {} };
  if (owed.length === 0 && !member.campaigns?.owed) return member;
  return { ...member, campaigns: { ...marks, ...(owed.length > 0 ? { owed: [...owed] } : {}) } };
}

/**
 * The owed campaigns still to apply, each with the campaign as it is now, in the order they were
 * earned: a campaign deleted since, or applied `perMember` times meanwhile, is dropped (owed no
 * more). The window was judged at the entry; a boost counts from the entry too.
 */
export function owedCampaigns(
  member: Pick<MemberState, 'campaigns'>,
  campaigns: readonly CampaignState[],
): { campaign: CampaignState; enteredAt: Date }[] {
  const byId = new Map(campaigns.map((campaign) => [campaign.campaignId, campaign]));
  const counted = new Map<string, number>();
  return (member.campaigns?.owed ?? []).flatMap(({ campaignId, enteredAt }) => {
    const campaign = byId.get(campaignId);
    const times = (counted.get(campaignId) ?? timesApplied(member, campaignId)) + 1;
    counted.set(campaignId, times);
    return campaign && times <= campaign.limits.perMember ? [{ campaign, enteredAt: new Date(enteredAt) }] : [];
  });
}

/**
 * Owed campaigns by time: due from the earliest entry that owes one. The rule changes nothing
 * itself — the campaigns hook of every member write (shared/app/support/campaign-effects.ts)
 * applies what is owed as room allows — so the job's write is the occasion, and it asks for
 * another pass while any is left.
 */
export const owedCampaignsRule: TimeRule = {
  name: 'campaigns',
  dueAt: (member) => earliest((member.campaigns?.owed ?? []).map((owed) => owed.enteredAt)),
  apply: ({ member }) =>
    member.campaigns?.owed?.length ? { member, movements: [], events: [], more: true } : undefined,
};

/** A bonus campaign's ledger movement: a `bonus` entry whose one breakdown line names the campaign. */
export function campaignBonus(campaign: CampaignState): Movement | undefined {
  if (campaign.effect.type !== 'bonus') return undefined;
  const points = campaign.effect.points;
  return { type: 'bonus', points, breakdown: [{ rule: campaignRule(campaign.campaignId), points }] };
}

/** What an earn carries of a boost (and an order keeps for its refunds): the campaign and its factor. */
export interface EarnBoost {
  campaignId: string;
  factor: number;
}

/** The boosts a purchase that occurred at `occurredAt` earns with, in campaignId order. */
export function boostsAt(member: Pick<MemberState, 'campaigns'>, occurredAt: string): EarnBoost[] {
  const at = Date.parse(occurredAt);
  return (member.campaigns?.boosts ?? [])
    .filter((boost) => Date.parse(boost.from) <= at && at < Date.parse(boost.until))
    .map(({ campaignId, factor }) => ({ campaignId, factor }))
    .sort((a, b) => (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0));
}

/** A campaign as the API answers it: the admin's terms and when they were saved (never the revision). */
export function campaignView(campaign: CampaignState) {
  return {
    campaignId: campaign.campaignId,
    name: campaign.name,
    segmentId: campaign.segmentId,
    startsAt: campaign.startsAt,
    ...(campaign.endsAt !== undefined ? { endsAt: campaign.endsAt } : {}),
    effect: campaign.effect,
    limits: { perMember: campaign.limits.perMember },
    updatedAt: campaign.updatedAt,
  };
}

/** The terms an admin saves (the rest is kept by the engine). */
export type CampaignTerms = Omit<CampaignState, 'campaignId' | 'updatedAt' | 'revision'>;

/** Whether a save changes nothing the campaign does (its name included): then nothing is written. */
export function sameTerms(campaign: CampaignState, terms: CampaignTerms): boolean {
  const { campaignId: _id, updatedAt: _at, revision: _revision, ...kept } = campaign;
  return JSON.stringify(canonical(kept)) === JSON.stringify(canonical(terms));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, entry]) => entry !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, entry]) => [key, canonical(entry)]),
    );
  return value;
}

/** Refusals of a save the schema cannot see: the catalog's room, a reward that issues no code. */
export function assertRoomForCampaign(campaignId: string, existing: readonly Pick<CampaignState, 'campaignId'>[]) {
  if (existing.some((campaign) => campaign.campaignId === campaignId)) return;
  if (existing.length >= MAX_CAMPAIGNS)
    throw new DomainError('too-many-campaigns', `A program has at most ${MAX_CAMPAIGNS} campaigns.`, [
      { path: 'path.campaignId', message: `${MAX_CAMPAIGNS} campaigns exist already; delete one first` },
    ]);
}

export function assertCampaignReward(
  rewardId: string,
  reward: { fulfilment?: { type: string } | undefined } | undefined,
): void {
  if (!reward)
    throw new DomainError('unknown-reward', `No reward ${rewardId}.`, [
      { path: 'body.effect.rewardId', message: `no reward "${rewardId}"` },
    ]);
  if (reward.fulfilment?.type !== 'code')
    throw new DomainError('unknown-reward', `Reward ${rewardId} issues no code.`, [
      { path: 'body.effect.rewardId', message: `reward "${rewardId}" has no code fulfilment: a campaign gives a code` },
    ]);
}
