import type { Consent, MemberProfile, MemberState } from './member';

/**
 * A JSON merge patch (RFC 7396) of a member's own data: a field absent stays as it is, a
 * value replaces it, `null` removes an optional one. Consent is never removed, only set.
 */
export interface MemberPatch {
  email?: string | null;
  name?: string | null;
  birthday?: string | null;
  externalId?: string | null;
  consent?: Partial<Consent>;
}

export interface PatchedMember {
  member: MemberState;
  /** The profile before and after, for the claims that follow it (external id, email). */
  before: MemberProfile;
  changed: boolean;
}

const PROFILE_FIELDS = ['email', 'name', 'birthday', 'externalId'] as const;

/** Applies the patch; a consent change is recorded with its time and partner. Pure. */
export function applyMemberPatch(
  member: MemberState,
  patch: MemberPatch,
  by: { partnerId: string; now: Date },
): PatchedMember {
  const profile: MemberProfile = { ...member.profile };
  for (const field of PROFILE_FIELDS) {
    const value = patch[field];
    if (value === null) delete profile[field];
    else if (value !== undefined) profile[field] = value;
  }
  const consent: Consent = { ...member.consent, ...patch.consent };
  const consentChanged =
    consent.marketing !== member.consent.marketing || consent.analytics !== member.consent.analytics;
  const profileChanged = PROFILE_FIELDS.some((field) => profile[field] !== member.profile[field]);
  const next: MemberState = {
    ...member,
    profile,
    consent,
    ...(consentChanged
      ? {
          consentHistory: [
            ...(member.consentHistory ?? []),
            { changedAt: by.now.toISOString(), partnerId: by.partnerId, from: member.consent, to: consent },
          ],
        }
      : {}),
  };
  return { member: next, before: member.profile, changed: consentChanged || profileChanged };
}
