import { apiFunction } from '@shared/http/api-function';
import { HttpProblem } from '@shared/http/problems';

const notYet = async (): Promise<never> => {
  throw new HttpProblem('not-implemented', 501, 'Not implemented', 'Metrics are being built.');
};

export const handler = apiFunction('insights', { answerNps: notYet, recordPurchase: notYet, createSnapshot: notYet, listSnapshots: notYet, latestSnapshot: notYet });
