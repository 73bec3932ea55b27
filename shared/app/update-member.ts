import { applyMemberPatch, type MemberPatch } from '@shared/domain/member-patch';
import { memberView } from '@shared/domain/member-view';
import { currentProgram } from '@shared/store/program';
import type { MemberView } from './enrol-member';
import { lotPoints } from './support/lots';
import { claimMoves } from './support/member-claims';
import { loadActiveMember } from './support/load';
import { outcome, type UseCase } from './support/outcome';

/**
 * PATCH of a member's own data (JSON merge patch): ONE transaction of the member (version
 * condition) and the claims that move with it. An external id another member holds is
 * refused naming that member. A change emits `member.updated` (the member as the answer shows
 * it) in the same transaction; a patch that changes nothing writes nothing and emits nothing.
 */
export function updateMember(memberId: string, patch: MemberPatch): UseCase<MemberView> {
  return async (caller) => {
    const program = await currentProgram();
    return async (now) => {
      const member = await loadActiveMember(memberId, now, { lots: true });
      const patched = applyMemberPatch(member, patch, { partnerId: caller.partnerId, now });
      // Points as the member's lots show them (the same read as GET; none for a member without lots).
      const view = memberView(patched.member, program, now, await lotPoints(member, now));
      if (!patched.changed) return outcome(view);
      return outcome(view, {
        members: [{ expectedVersion: member.version, member: patched.member, entries: [] }],
        writes: await claimMoves(memberId, patched.before, patched.member.profile),
        events: [{ type: 'member.updated', memberId, data: view }],
      });
    };
  };
}
