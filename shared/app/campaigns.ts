import {
  assertCampaignReward,
  assertRoomForCampaign,
  campaignView,
  sameTerms,
  type CampaignState,
  type CampaignTerms,
} from '@shared/domain/campaigns';
import { DomainError } from '@shared/domain/errors';
import { forgetCachedCampaigns } from '@shared/store/campaigns';
import { campaignDelete, campaignPage, campaignPut, findCampaign, readCampaigns } from '@shared/store/items/campaign';
import { findReward } from '@shared/store/items/reward';
import { findSegment, segmentExistsCheck, segmentNamingAdd } from '@shared/store/items/segment';
import { outcome, type UseCase } from './support/outcome';

export type { CampaignTerms };

export interface CampaignPut {
  campaign: ReturnType<typeof campaignView>;
  /** True when the campaign did not exist before. */
  created: boolean;
}

const unknownSegment = (segmentId: string) =>
  new DomainError('unknown-segment', `No segment ${segmentId}.`, [
    { path: 'body.segmentId', message: `no segment "${segmentId}"` },
  ]);

const campaignNotFound = (campaignId: string) => new DomainError('campaign-not-found', `No campaign ${campaignId}.`);

/**
 * Creates or replaces a campaign. Its segment must exist (checked again in the same transaction,
 * so a segment deleted meanwhile refuses the save) and a reward effect must name a reward that issues
 * codes. A replace applies from now on: members who got the campaign keep what they got, and
 * its per-member counts carry over. Conditioned on the revision read.
 */
export function putCampaign(campaignId: string, terms: CampaignTerms): UseCase<CampaignPut> {
  return async () => {
    if (terms.effect.type === 'reward')
      assertCampaignReward(terms.effect.rewardId, await findReward(terms.effect.rewardId));
    return async (at) => {
      const campaigns = await readCampaigns();
      const existing = campaigns.find((campaign) => campaign.campaignId === campaignId);
      if (existing && sameTerms(existing, terms)) return outcome({ campaign: campaignView(existing), created: false });
      assertRoomForCampaign(campaignId, campaigns);
      if (!(await findSegment(terms.segmentId))) throw unknownSegment(terms.segmentId);
      const campaign: CampaignState = {
        campaignId,
        ...terms,
        updatedAt: at.toISOString(),
        revision: (existing?.revision ?? 0) + 1,
      };
      return outcome(
        { campaign: campaignView(campaign), created: !existing },
        {
          writes: [
            { item: campaignPut(campaign, existing?.revision) },
            // A segment deleted since it was read refuses the save, as an unknown one does.
            {
              item: segmentExistsCheck(campaign.segmentId),
              onConditionFailed: () => unknownSegment(campaign.segmentId),
            },
            // A delete of the segment that read what names it before this save decides again.
            { item: segmentNamingAdd() },
          ],
          audit: {
            kind: 'campaign.saved',
            target: `campaign:${campaignId}`,
            summary: `Campaign ${campaignId} ${existing ? 'replaced' : 'created'} (segment ${campaign.segmentId}, ${campaign.effect.type})`,
          },
        },
        { afterCommit: forgetCachedCampaigns },
      );
    };
  };
}

/** Deletes a campaign: it applies no more; what members got stays theirs (bonus, code, a running boost). */
export function deleteCampaign(campaignId: string): UseCase<undefined> {
  return () => async () => {
    const campaign = await findCampaign(campaignId);
    if (!campaign) throw campaignNotFound(campaignId);
    return outcome(
      undefined,
      {
        writes: [{ item: campaignDelete(campaign) }],
        audit: {
          kind: 'campaign.deleted',
          target: `campaign:${campaignId}`,
          summary: `Campaign ${campaignId} deleted`,
        },
      },
      { afterCommit: forgetCachedCampaigns },
    );
  };
}

/** One campaign, as the admin saved it. */
export async function getCampaign(campaignId: string) {
  const campaign = await findCampaign(campaignId);
  if (!campaign) throw campaignNotFound(campaignId);
  return campaignView(campaign);
}

/** The campaigns in campaignId order, a page at a time. */
export async function listCampaigns(limit: number, cursor: string | undefined) {
  const page = await campaignPage(limit, cursor);
  return { ...page, items: page.items.map(campaignView) };
}
