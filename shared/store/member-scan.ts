import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { MemberState } from '@shared/domain/member';
import { store } from './client';
import { itemToMember } from './items/member';

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
  const { client, tableName } = store();
  const page = await client.send(
    new ScanCommand({
      TableName: tableName,
      Segment: part,
      TotalSegments: parts,
      FilterExpression: 'entity = :member',
      ExpressionAttributeValues: { ':member': 'member' },
      ...(cursor ? { ExclusiveStartKey: cursor } : {}),
    }),
  );
  const members = (page.Items ?? []).map(itemToMember);
  return page.LastEvaluatedKey ? { members, cursor: page.LastEvaluatedKey } : { members };
}
