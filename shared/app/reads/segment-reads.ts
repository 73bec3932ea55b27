import { assertActiveMember } from '@shared/domain/member';
import type { SegmentView } from '@shared/schemas/segments';
import { decodeCursor, encodeCursor } from '@shared/store/cursor';
import { findMember } from '@shared/store/items/member';
import { readSegmentCatalog } from '@shared/store/items/segment';
import { segmentMembersPage } from '@shared/store/items/segment-member';
import type { Page } from '@shared/store/query';
import { memberSegmentList, requireSegment, segmentView } from '../segments';

/** Segments in segmentId order, each with its size: at most 100, read in one Query. */
export async function listSegments(page: { limit: number; cursor?: string | undefined }): Promise<Page<SegmentView>> {
  const after = page.cursor ? decodeCursor(page.cursor, 'segments') : '';
  const { segments } = await readSegmentCatalog();
  const sorted = segments
    .map((stored) => stored.segment)
    .filter((segment) => segment.segmentId > after)
    .sort((a, b) => (a.segmentId < b.segmentId ? -1 : 1));
  const items = await Promise.all(sorted.slice(0, page.limit).map(segmentView));
  const last = items.at(-1);
  return sorted.length > page.limit && last
    ? { items, nextCursor: encodeCursor('segments', last.segmentId) }
    : { items };
}

export async function getSegment(segmentId: string): Promise<SegmentView> {
  return segmentView((await requireSegment(segmentId)).segment);
}

export async function listSegmentMembers(segmentId: string, page: { limit: number; cursor?: string | undefined }) {
  const { segment } = await requireSegment(segmentId);
  return segmentMembersPage(segment, page);
}

/**
 * The segments the member is in, from its item. Memberships of a deleted segment (or of an
 * earlier one of the same id) are left out until the member's next write drops them.
 */
export async function listMemberSegments(memberId: string): Promise<{ segmentId: string; since: string }[]> {
  const member = assertActiveMember(await findMember(memberId), memberId);
  const { segments } = await readSegmentCatalog();
  const started = new Map(segments.map((stored) => [stored.segment.segmentId, stored.segment.startedAt]));
  return memberSegmentList(member.segments).filter(({ segmentId, since }) => {
    const startedAt = started.get(segmentId);
    return startedAt !== undefined && since >= startedAt;
  });
}
