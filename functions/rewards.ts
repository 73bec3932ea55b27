import { apiFunction } from '@shared/http/api-function';
import { HttpProblem } from '@shared/http/problems';

const notYet = async (): Promise<never> => {
  throw new HttpProblem('not-implemented', 501, 'Not implemented', 'The catalog is being built.');
};

export const handler = apiFunction('rewards', { listRewards: notYet, putReward: notYet });
