import type { CampaignState } from '@shared/domain/campaigns';
import { readCampaigns } from './items/campaign';

/**
 * The campaigns a segment entry consults, read like the program and the segment catalog: at most
 * once per cache period per function instance (PROGRAM_CACHE_SECONDS), so a member write costs
 * no extra round trip. A stale list is harmless: an application checks the campaign's revision
 * in the member's transaction (`campaignRevisionCheck`), and a failed check forgets this cache
 * before the write is decided again. A campaign created meanwhile applies within the period.
 */
const cacheSeconds = () => Number(process.env.PROGRAM_CACHE_SECONDS ?? 60);
let cached: { campaigns: CampaignState[]; readAt: number } | undefined;

export async function campaignList(now = Date.now()): Promise<CampaignState[]> {
  if (cached && now - cached.readAt < cacheSeconds() * 1000) return cached.campaigns;
  const campaigns = await readCampaigns();
  cached = { campaigns, readAt: now };
  return campaigns;
}

/** This instance sees a change it made at once (other instances within the cache period). */
export function forgetCachedCampaigns(): void {
  cached = undefined;
}
