import { readSegmentCatalog, type StoredSegment } from './items/segment';

/**
 * The segment catalog every member write evaluates, read like the program: at most once per
 * cache period per function instance (PROGRAM_CACHE_SECONDS), so a write costs no extra round
 * trip. A segment created or changed is seen everywhere within that period; the evaluation of
 * every member waits for it before it starts (shared/app/jobs/segment-evaluation.ts), so no
 * instance still holding the old rules writes a member after the evaluation passed it.
 */
const cacheSeconds = () => Number(process.env.PROGRAM_CACHE_SECONDS ?? 60);

export interface SegmentCatalog {
  segments: StoredSegment[];
  deleted: ReadonlySet<string>;
}

let cached: { catalog: SegmentCatalog; readAt: number } | undefined;

export async function segmentCatalog(now = Date.now()): Promise<SegmentCatalog> {
  if (cached && now - cached.readAt < cacheSeconds() * 1000) return cached.catalog;
  const catalog = await readSegmentCatalog();
  cached = { catalog, readAt: now };
  return catalog;
}

/** This instance sees a change it made at once (other instances within the cache period). */
export function forgetCachedSegments(): void {
  cached = undefined;
}

/** How long an instance may hold the catalog it read: what a new evaluation waits for. */
export const segmentCacheMs = (): number => cacheSeconds() * 1000;
