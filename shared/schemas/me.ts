import * as z from 'zod';
import { RewardId, Timestamp } from './common';
import { Reward } from './admin';
import { MemberPatchRequest } from './members';

/** `POST /v1/members/{memberId}/sessions`: the member token, shown to the member's own app. */
export const MemberSession = z
  .object({
    token: z.string().meta({
      description:
        'A JWT signed ES256 by the region (sub = memberId, exp at most 15 minutes on); verify it with GET /.well-known/jwks.json. Send it as Authorization: Bearer <token> to the /v1/me routes.',
    }),
    expiresAt: Timestamp.meta({ description: 'When the token stops working (its exp claim)' }),
  })
  .meta({ id: 'MemberSession' });

/** What a member may change of themselves: their name and their consent, nothing else. */
export const MePatchRequest = z
  .strictObject({ name: MemberPatchRequest.shape.name, consent: MemberPatchRequest.shape.consent })
  .meta({
    id: 'MePatchRequest',
    description: 'JSON merge patch of name and consent only: any other field is a 400',
    examples: [{ name: 'Ada', consent: { marketing: false } }],
  });

export const MeRedeemRequest = z
  .strictObject({ rewardId: RewardId })
  .meta({ id: 'MeRedeemRequest', examples: [{ rewardId: 'espresso-cup' }] });

export const MemberReward = Reward.extend({
  eligible: z
    .boolean()
    .meta({ description: 'The member may redeem it now: their tier is high enough and it is in stock' }),
  affordable: z.boolean().meta({ description: "The member's spendable points cover its cost" }),
}).meta({ id: 'MemberReward' });
