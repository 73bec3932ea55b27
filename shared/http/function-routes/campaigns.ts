import * as z from 'zod';
import { page, PageQuery } from '@shared/schemas/common';
import { Campaign, CampaignId, PutCampaignRequest } from '@shared/schemas/campaigns';
import type { RouteDefinition } from '../route-definition';

const CampaignParams = z.strictObject({ campaignId: CampaignId });

/** The campaign routes, served by the `rewards` function with the catalog they give from (see ./rewards.ts). */
export const campaignRoutes = {
  putCampaign: {
    method: 'PUT',
    path: '/v1/admin/campaigns/{campaignId}',
    fn: 'rewards',
    scope: 'admin',
    summary: 'Create or replace a campaign: what a member gets on entering a segment',
    description:
      'Creates (201) or replaces (200) a campaign. When a member enters its segment inside [startsAt, endsAt), in the ' +
      'same transaction as the entry and at most `limits.perMember` times (default 1): a `bonus` entry (breakdown ' +
      '`campaign:<id>`), a code of the reward (its `code.issued` event too), or a boost: purchases in the next `days` ' +
      'days earn base × (factor − 1) more, rounded down, as the breakdown line `campaign:<id>`; and a ' +
      '`campaign.applied` event. 400 with the path for an unknown segment, a reward that does not exist or issues no ' +
      'code, and for more than 100 campaigns. A replace applies from then on; what members got stays theirs.',
    errors: ['unknown-segment', 'unknown-reward', 'too-many-campaigns'],
    example: {
      name: 'Win-back: three times the points',
      segmentId: 'lapsed',
      startsAt: '2026-01-01T00:00:00.000Z',
      effect: { type: 'multiplier', factor: 3, days: 30 },
      limits: { perMember: 1 },
    },
    params: CampaignParams,
    body: PutCampaignRequest,
    responses: { 200: Campaign, 201: Campaign },
  },
  getCampaign: {
    method: 'GET',
    path: '/v1/admin/campaigns/{campaignId}',
    fn: 'rewards',
    scope: 'admin',
    summary: 'One campaign',
    description: 'One campaign, as it was saved.',
    errors: ['campaign-not-found'],
    params: CampaignParams,
    responses: { 200: Campaign },
  },
  listCampaigns: {
    method: 'GET',
    path: '/v1/admin/campaigns',
    fn: 'rewards',
    scope: 'admin',
    summary: 'The campaigns, in campaignId order',
    description: 'Every campaign (at most 100) in campaignId order, a page at a time.',
    errors: [],
    query: PageQuery,
    responses: { 200: page(Campaign, 'CampaignPage') },
  },
  deleteCampaign: {
    method: 'DELETE',
    path: '/v1/admin/campaigns/{campaignId}',
    fn: 'rewards',
    scope: 'admin',
    summary: 'Delete a campaign; it applies no more',
    description:
      'Deletes a campaign: entries from now on get nothing from it. What members got stays theirs: bonuses, codes, ' +
      'and boosts until they end.',
    errors: ['campaign-not-found'],
    params: CampaignParams,
    responses: { 204: null },
  },
} as const satisfies Record<string, RouteDefinition>;
