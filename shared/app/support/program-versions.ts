import { DomainError } from '@shared/domain/errors';
import type { Program } from '@shared/schemas/program';
import { findProgramVersion } from '@shared/store/items/program';
import { currentProgram } from '@shared/store/program';

/**
 * A program version, as an order earned under it needs it for a refund. Versions are immutable
 * and never deleted (shared/store/items/program.ts), so every version an order names stays
 * readable while the order can be refunded; once read, a version is kept in memory for good.
 */
const versions = new Map<number, Program>();

export async function programVersion(version: number): Promise<Program> {
  const current = await currentProgram();
  if (current.version === version) return current;
  const known = versions.get(version);
  if (known) return known;
  const found = await findProgramVersion(version);
  if (!found) throw new DomainError('program-version-not-found', `Program version ${version} is not stored.`);
  versions.set(version, found);
  return found;
}
