import type { Program } from '@shared/schemas/program';
import { getItem } from '../get';
import { pad } from '../keys';
import { plainPut, versionedPut, type Item, type TransactItem } from '../item';

/** The program in force (a pointer item) and an immutable copy of every version, for history. */
export const programCurrentKey = () => ({ PK: 'PROGRAM', SK: 'CURRENT' });
export const programVersionKey = (version: number) => ({ PK: 'PROGRAM', SK: `VERSION#${pad(version, 8)}` });

export const programCurrentToItem = (program: Program): Item => ({
  ...programCurrentKey(),
  entity: 'program',
  version: program.version,
  program,
});
export const programVersionToItem = (program: Program): Item => ({
  ...programVersionKey(program.version),
  entity: 'program-version',
  program,
});
export const itemToProgram = (item: Item): Program => item.program as Program;

export async function findCurrentProgram(): Promise<Program | undefined> {
  const item = await getItem(programCurrentKey());
  return item ? itemToProgram(item) : undefined;
}

export async function findProgramVersion(version: number): Promise<Program | undefined> {
  const item = await getItem(programVersionKey(version));
  return item ? itemToProgram(item) : undefined;
}

/** The pointer to the new version, conditioned on the version it replaces (none stored yet: on not existing). */
export const programCurrentPut = (program: Program, replacedVersion: number | undefined): TransactItem =>
  versionedPut(programCurrentToItem(program), replacedVersion);
export const programVersionPut = (program: Program): TransactItem => plainPut(programVersionToItem(program));
