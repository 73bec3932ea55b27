import * as z from 'zod';
import { MemberId } from '@shared/schemas/members';

/** The path parameters of every route under /v1/members/{memberId}, whichever function serves it. */
export const MemberParams = z.strictObject({ memberId: MemberId });
