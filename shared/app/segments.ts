import { DomainError, type FieldError } from '@shared/domain/errors';
import { assertActiveMember, type MemberState } from '@shared/domain/member';
import type { SegmentImportLine } from '@shared/schemas/imports';
import { memberIdForExternalId } from '@shared/store/items/external-id';
import type { Program } from '@shared/schemas/program';
import { MAX_SEGMENTS, type PutSegmentRequest, type SegmentRules, type SegmentView } from '@shared/schemas/segments';
import { findMember } from '@shared/store/items/member';
import {
  findSegment,
  readSegmentCatalog,
  readSegmentLinks,
  segmentDeletes,
  segmentDeletionAdd,
  segmentPut,
  tombstoneRemoval,
  type SegmentState,
  type StoredSegment,
} from '@shared/store/items/segment';
import { segmentSize } from '@shared/store/items/segment-member';
import { currentProgram, readProgram } from '@shared/store/program';
import { readCampaigns } from '@shared/store/items/campaign';
import { rewardsNamingSegment } from '@shared/store/items/reward';
import { forgetCachedSegments, segmentCacheMs } from '@shared/store/segments';
import { startSegmentEvaluation } from './jobs/segment-evaluation';
import { outcome, type UseCase } from './support/outcome';

/** The segment as the API shows it: whitelisted fields, its exact size. */
export async function segmentView(stored: SegmentState): Promise<SegmentView> {
  const size = await segmentSize(stored);
  return {
    segmentId: stored.segmentId,
    name: stored.name,
    ...(stored.rules ? { rules: stored.rules } : { list: true as const }),
    size,
    ...(stored.evaluation
      ? {
          evaluation: {
            status: stored.evaluation.status,
            evaluated: stored.evaluation.evaluated,
            ...(stored.evaluation.startedAt ? { startedAt: stored.evaluation.startedAt } : {}),
            ...(stored.evaluation.finishedAt ? { finishedAt: stored.evaluation.finishedAt } : {}),
          },
        }
      : {}),
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

export interface SegmentPut {
  segment: SegmentView;
  created: boolean;
  /** Every member is being evaluated in the background (202). */
  evaluating: boolean;
}

/** What a segment's rules name must exist in the program, in its currency (400 with the path). */
function assertRulesFitProgram(rules: SegmentRules, program: Program): void {
  const tiers = new Set(program.tiers.map((tier) => tier.id));
  const list = rules.all ? 'all' : 'any';
  const wrongTiers: FieldError[] = [];
  const wrongCurrency: FieldError[] = [];
  (rules.all ?? rules.any ?? []).forEach((condition, index) => {
    const at = `body.rules.${list}.${index}.value`;
    if (condition.field === 'tier')
      condition.value.forEach((tier, t) => {
        if (!tiers.has(tier)) wrongTiers.push({ path: `${at}.${t}`, message: `unknown tier "${tier}"` });
      });
    if (condition.field === 'spend.rolling12m' && condition.value.currency !== program.currency)
      wrongCurrency.push({ path: `${at}.currency`, message: `the program's currency is ${program.currency}` });
  });
  if (wrongTiers.length > 0)
    throw new DomainError('unknown-tier', 'A condition names a tier the program has not.', wrongTiers);
  if (wrongCurrency.length > 0)
    throw new DomainError('currency-mismatch', "A spend condition is not in the program's currency.", wrongCurrency);
}

const sameRules = (a: SegmentRules | undefined, b: SegmentRules | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Creates or replaces a segment. A rules segment created, or whose rules change, has every
 * member evaluated in the background (202, progress on the segment); a list segment starts
 * empty. Changing a segment between rules and list starts it afresh (its members are those of
 * the new kind). At most 100 segments. Conditioned on the revision read.
 */
export function putSegment(segmentId: string, request: PutSegmentRequest): UseCase<SegmentPut> {
  return async () => {
    if (request.rules) assertRulesFitProgram(request.rules, await currentProgram());
    return async (at) => {
      const [existing, catalog] = await Promise.all([findSegment(segmentId), readSegmentCatalog()]);
      const kept = existing?.segment;
      if (!kept && catalog.segments.length >= MAX_SEGMENTS)
        throw new DomainError('segment-limit', `A program has at most ${MAX_SEGMENTS} segments; delete one first.`);
      const now = at.toISOString();
      const sameKind = kept !== undefined && (kept.rules === undefined) === (request.rules === undefined);
      if (kept && sameKind && kept.name === request.name && sameRules(kept.rules, request.rules))
        return outcome({ segment: await segmentView(kept), created: false, evaluating: false });
      const revision = (existing?.revision ?? 0) + 1;
      const evaluate = request.rules !== undefined && !(sameKind && sameRules(kept.rules, request.rules));
      const segment: SegmentState = {
        segmentId,
        name: request.name,
        ...(request.rules ? { rules: request.rules } : {}),
        startedAt: sameKind ? kept.startedAt : now,
        createdAt: kept?.createdAt ?? now,
        updatedAt: now,
        ...(evaluate
          ? {
              evaluation: {
                revision,
                status: 'pending' as const,
                evaluated: 0,
                // Instances' segment caches expire by the system clock, not business time (a
                // test clock ahead of it would make the evaluation wait for days).
                notBefore: new Date(Date.now() + segmentCacheMs()).toISOString(),
              },
            }
          : kept?.evaluation && sameKind
            ? { evaluation: kept.evaluation }
            : {}),
      };
      return outcome(
        { segment: await segmentView(segment), created: !existing, evaluating: evaluate },
        {
          writes: [
            { item: segmentPut(segment, existing?.revision) },
            ...(catalog.deleted.has(segmentId) ? [{ item: tombstoneRemoval(segmentId) }] : []),
          ],
          audit: {
            kind: 'segment.saved',
            target: `segment:${segmentId}`,
            summary: `Segment ${segmentId} ${existing ? 'replaced' : 'created'} (${request.rules ? 'rules' : 'list'})`,
          },
        },
        {
          afterCommit: async () => {
            forgetCachedSegments();
            if (evaluate) await startSegmentEvaluation(segmentId, revision);
          },
        },
      );
    };
  };
}

/**
 * What names the segment: the program's rules (`when.segments`), rewards (`segments`) and campaigns,
 * as `rule:<id>` / `reward:<id>` / `campaign:<id>`. Read fresh, not from a cache: a delete must not miss a new name.
 */
export async function segmentNamedBy(segmentId: string): Promise<string[]> {
  const [{ program }, campaigns, rewards] = await Promise.all([
    readProgram(),
    readCampaigns(),
    rewardsNamingSegment(segmentId),
  ]);
  return [
    ...(program.rules ?? [])
      .filter((rule) => rule.when?.segments?.includes(segmentId))
      .map((rule) => `rule:${rule.id}`),
    ...rewards.map((reward) => `reward:${reward.rewardId}`),
    ...campaigns.filter((campaign) => campaign.segmentId === segmentId).map((c) => `campaign:${c.campaignId}`),
  ];
}

/** Deletes a segment that no rule, reward or campaign names (409 segment-in-use otherwise). */
export function deleteSegment(segmentId: string): UseCase<undefined> {
  return () => async (at) => {
    // The links are read before what names the segment (a save naming one after this read fails
    // the delete), beside the segment itself: one batch.
    const [existing, links] = await Promise.all([requireSegment(segmentId), readSegmentLinks()]);
    const namedBy = await segmentNamedBy(segmentId);
    if (namedBy.length > 0)
      throw new DomainError(
        'segment-in-use',
        `Segment ${segmentId} is named by ${namedBy.join(', ')}; change those first.`,
      );
    return outcome(
      undefined,
      {
        writes: [...segmentDeletes(segmentId, existing.revision, at), segmentDeletionAdd(links.namings)].map(
          (item) => ({ item }),
        ),
        audit: { kind: 'segment.deleted', target: `segment:${segmentId}`, summary: `Segment ${segmentId} deleted` },
      },
      { afterCommit: forgetCachedSegments },
    );
  };
}

export async function requireSegment(segmentId: string): Promise<StoredSegment> {
  const existing = await findSegment(segmentId);
  if (!existing) throw new DomainError('segment-not-found', `No segment ${segmentId}.`);
  return existing;
}

/** A member's segments, as `[{ segmentId, since }]` in segmentId order. */
export function memberSegmentList(
  segments: Record<string, string> | undefined,
): { segmentId: string; since: string }[] {
  return Object.entries(segments ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([segmentId, since]) => ({ segmentId, since }));
}

/** Where a member stands in a list segment after an admin's change. */
export interface SegmentMembership {
  segmentId: string;
  memberId: string;
  member: boolean;
  since?: string;
}

/**
 * Adds a member to a list segment, or removes it: the member's write carries the change, and
 * the membership hook applies it with its item, size and event in the same transaction. A rules
 * segment takes no list changes (400). Nothing is written when the member is already where asked.
 */
export function changeSegmentMember(
  segmentId: string,
  memberId: string,
  action: 'add' | 'remove',
): UseCase<SegmentMembership> {
  return () => async (at) =>
    listChange(segmentId, await findMember(memberId), memberId, action, at, 'params.segmentId');
}

/**
 * A bulk import's segment line: the same change, the member found by its externalId. Idempotent
 * like every import line: applied again, it finds the member where the line asks and writes nothing.
 */
export function importSegmentLine(line: SegmentImportLine): UseCase<SegmentMembership> {
  return () => async (at) => {
    const memberId = await memberIdForExternalId(line.externalId);
    if (!memberId)
      throw new DomainError('member-not-found', "No member has this line's externalId.", [
        { path: 'externalId', message: 'no member was enrolled or imported with this externalId' },
      ]);
    return listChange(line.segmentId, await findMember(memberId), memberId, line.action, at, 'segmentId');
  };
}

async function listChange(
  segmentId: string,
  read: MemberState | undefined,
  memberId: string,
  action: 'add' | 'remove',
  at: Date,
  segmentPath: string,
) {
  const segment = (await requireSegment(segmentId)).segment;
  const member = assertActiveMember(read, memberId);
  if (segment.rules)
    throw new DomainError(
      'segment-not-a-list',
      `Segment ${segmentId} is kept by its rules; it takes no list changes.`,
      [{ path: segmentPath, message: 'is a rules segment: its members follow its rules' }],
    );
  const storedSince = member.segments?.[segmentId];
  const since = storedSince !== undefined && storedSince >= segment.startedAt ? storedSince : undefined;
  const add = action === 'add';
  if ((since !== undefined) === add)
    return outcome<SegmentMembership>({ segmentId, memberId, member: add, ...(since !== undefined ? { since } : {}) });
  return outcome<SegmentMembership>(
    { segmentId, memberId, member: add, ...(add ? { since: at.toISOString() } : {}) },
    {
      members: [{ expectedVersion: member.version, member, entries: [], listChanges: [{ segmentId, action }] }],
      audit: {
        kind: 'segment.member-changed',
        target: `segment:${segmentId}`,
        summary: `Member ${memberId} ${add ? 'added to' : 'removed from'} segment ${segmentId}`,
      },
    },
  );
}
