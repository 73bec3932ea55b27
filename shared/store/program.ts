import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '@shared/domain/errors';
import { ProgramRules, type Program } from '@shared/schemas/program';
import { store } from './client';
import { keys } from './keys';
import type { Commit } from './commit';

/**
 * The program is read at most once a minute per function instance (PROGRAM_CACHE_SECONDS),
 * not per request: a new version applies everywhere within that time. Where no version
 * was ever saved, the deployment's default program (DEFAULT_PROGRAM, JSON) is version 1.
 */
const cacheSeconds = () => Number(process.env.PROGRAM_CACHE_SECONDS ?? 60);
let cached: { program: Program; readAt: number } | undefined;

function defaultProgram(): Program {
  const raw = process.env.DEFAULT_PROGRAM;
  if (!raw) throw new Error('No program is saved and DEFAULT_PROGRAM is not set');
  return { ...ProgramRules.parse(JSON.parse(raw)), version: 1, updatedAt: '1970-01-01T00:00:00.000Z' };
}

export interface ProgramRecord {
  program: Program;
  /** False while the deployment's default is in force and no version was saved yet. */
  stored: boolean;
}

export async function readProgram(): Promise<ProgramRecord> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.programCurrent(), ConsistentRead: true }),
  );
  return Item ? { program: Item.program as Program, stored: true } : { program: defaultProgram(), stored: false };
}

export async function currentProgram(now = Date.now()): Promise<Program> {
  if (cached && now - cached.readAt < cacheSeconds() * 1000) return cached.program;
  const { program } = await readProgram();
  cached = { program, readAt: now };
  return program;
}

export function forgetCachedProgram(): void {
  cached = undefined;
}

/**
 * A new version: the current pointer (conditioned on the version it replaces, so two
 * admins cannot both write version n+1) and an immutable copy of the version for history.
 */
export function programVersionCommit(
  current: ProgramRecord,
  rules: ProgramRules,
  now: Date,
): { program: Program; commit: Commit } {
  const { tableName } = store();
  const previous = current.program;
  const program: Program = { ...rules, version: previous.version + 1, updatedAt: now.toISOString() };
  return {
    program,
    commit: {
      members: [],
      response: { status: 200, body: program },
      writes: [
        {
          item: {
            Put: {
              TableName: tableName,
              Item: { ...keys.programCurrent(), entity: 'program', version: program.version, program },
              ConditionExpression: current.stored ? '#version = :previous' : 'attribute_not_exists(PK)',
              ...(!current.stored
                ? {}
                : {
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':previous': previous.version },
                  }),
            },
          },
          onConditionFailed: () =>
            new DomainError('program-conflict', 'The program changed while this update was made; read it again.'),
        },
        {
          item: {
            Put: {
              TableName: tableName,
              Item: { ...keys.programVersion(program.version), entity: 'program-version', program },
            },
          },
        },
        // The default that was in force until now becomes part of the history too.
        ...(current.stored
          ? []
          : [
              {
                item: {
                  Put: {
                    TableName: tableName,
                    Item: { ...keys.programVersion(previous.version), entity: 'program-version', program: previous },
                  },
                },
              },
            ]),
      ],
    },
  };
}
