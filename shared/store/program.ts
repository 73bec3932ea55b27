import type { Program } from '@shared/schemas/program';
import { findCurrentProgram } from './items/program';

/**
 * The program is read at most once a minute per function instance (PROGRAM_CACHE_SECONDS),
 * not per request: a new version applies everywhere within that time. Where no version
 * was ever saved, the deployment's default program (DEFAULT_PROGRAM, JSON) is version 1.
 */
const cacheSeconds = () => Number(process.env.PROGRAM_CACHE_SECONDS ?? 60);
/** How long an instance may go on with a program after a new version was saved (system clock). */
export const programCacheMs = () => cacheSeconds() * 1000;
let cached: { program: Program; readAt: number } | undefined;

/**
 * The program's schemas are imported when the default is first needed, not at init: once a
 * version is saved no function needs them to read the program, and building them is ~6 ms of
 * every function's cold start (the admin function, which validates programs, builds them anyway).
 */
async function defaultProgram(): Promise<Program> {
  const raw = process.env.DEFAULT_PROGRAM;
  if (!raw) throw new Error('No program is saved and DEFAULT_PROGRAM is not set');
  const { ProgramRules } = await import('@shared/schemas/program');
  return { ...ProgramRules.parse(JSON.parse(raw)), version: 1, updatedAt: '1970-01-01T00:00:00.000Z' };
}

export interface ProgramRecord {
  program: Program;
  /** False while the deployment's default is in force and no version was saved yet. */
  stored: boolean;
}

export async function readProgram(): Promise<ProgramRecord> {
  const program = await findCurrentProgram();
  return program ? { program, stored: true } : { program: await defaultProgram(), stored: false };
}

export async function currentProgram(now = Date.now()): Promise<Program> {
  if (cached && now - cached.readAt < cacheSeconds() * 1000) return cached.program;
  const { program } = await readProgram();
  cached = { program, readAt: now };
  return program;
}

/** The program this instance last read, however old, without reading it (undefined: none yet). */
export function cachedProgram(): Program | undefined {
  return cached?.program;
}

export function forgetCachedProgram(): void {
  cached = undefined;
}
