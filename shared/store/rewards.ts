import { HttpProblem } from '@shared/http/problems';
import type { CommandResult } from './members';
import type { Caller } from './points';

export async function redeemReward(_memberId: string, _request: { rewardId: string; orderId?: string }, _caller: Caller): Promise<CommandResult> {
  throw new HttpProblem('not-implemented', 501, 'Not implemented', 'The catalog is being built.');
}
