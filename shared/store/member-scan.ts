import type { MemberState } from '@shared/domain/member';
import { itemToMember } from './items/member';
import { scanPage } from './query';

/**
 * One page of one segment of a parallel Scan of the member items: the one read of every member,
 * for work that must see each member once (a new segment's evaluation). The Scan reads every
 * item of its part of the table and keeps the member items; no request path uses it.
 */
export async function scanMembers(
  part: number,
  parts: number,
  cursor: Record<string, unknown> | undefined,
): Promise<{ members: MemberState[]; cursor?: Record<string, unknown> }> {
  const page = await scanPage(
    {
      Segment: part,
      TotalSegments: parts,
      FilterExpression: 'entity = :member',
      ExpressionAttributeValues: { ':member': 'member' },
    },
    cursor,
  );
  const members = page.items.map(itemToMember);
  return page.next ? { members, cursor: page.next } : { members };
}
