import * as z from 'zod';
import { page, PageQuery } from '@shared/schemas/common';
import { CreatedImport, CreateImportRequest, ImportId, ImportLineError, ImportProgress } from '@shared/schemas/imports';
import type { RouteDefinition } from '../route-definition';

/** The routes of the `imports` function (see ../routes.ts, which assembles every function's). */
export const importsRoutes = {
  createImport: {
    method: 'POST',
    path: '/v1/admin/imports',
    fn: 'imports',
    scope: 'admin',
    summary: 'Import members and purchase history: an NDJSON body (≤ 5 MB) or { upload: true, size } for a larger file',
    description:
      'An NDJSON body (Content-Type: application/x-ndjson) starts at once; `{ "upload": true, "size": <bytes> }` ' +
      'answers a presigned upload URL for one PUT of exactly that size, with the headers to send, and the import ' +
      'starts when the file lands. Lines are checked one by one: a bad ' +
      'line is listed under the import’s errors and the others go on. A file of the same lines again changes nothing.',
    errors: [],
    body: CreateImportRequest.optional(),
    example: { upload: true, size: 48_000_000 },
    ndjsonBodyBytes: 5 * 1024 * 1024,
    responses: { 202: CreatedImport },
  },
  listImports: {
    method: 'GET',
    path: '/v1/admin/imports',
    fn: 'imports',
    scope: 'admin',
    summary: 'The imports, newest first, with their progress',
    description:
      'Every import with its status and counts, newest first, a page at a time; a failed one says why it stopped (`stopReason`) and whether sending the same file again is safe.',
    errors: [],
    query: PageQuery,
    responses: { 200: page(ImportProgress, 'ImportProgressPage') },
  },
  getImport: {
    method: 'GET',
    path: '/v1/admin/imports/{importId}',
    fn: 'imports',
    scope: 'admin',
    summary: "An import's progress",
    description:
      'Lines read, applied and refused so far, by phase (members first, then their history), and the status.',
    errors: ['import-not-found'],
    params: z.strictObject({ importId: ImportId }),
    responses: { 200: ImportProgress },
  },
  listImportErrors: {
    method: 'GET',
    path: '/v1/admin/imports/{importId}/errors',
    fn: 'imports',
    scope: 'admin',
    summary: "An import's bad lines with their problems, in line order",
    description: 'Each refused line with its number and the problem it got, as a request with that line would.',
    errors: ['import-not-found'],
    params: z.strictObject({ importId: ImportId }),
    query: PageQuery,
    responses: { 200: page(ImportLineError, 'ImportLineErrorPage') },
  },
} as const satisfies Record<string, RouteDefinition>;
