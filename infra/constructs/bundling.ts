/**
 * Modules a bundle leaves to the Lambda runtime. The nodejs24.x runtime ships the AWS SDK for
 * JavaScript v3 (every client, lib-dynamodb and util-dynamodb with them), so bundling our own
 * copy only adds ~330 KB to every function and its cold start. What we use of it — the document
 * client, BatchGetItem, TransactWriteItems and PutItem with ReturnValuesOnConditionCheckFailure —
 * has been in SDK v3 since mid-2023 (v3.36x), well before the first nodejs24.x runtime (late 2025),
 * so the runtime's copy has all of it; tests run the newer version pinned in package.json.
 * Shared with the benchmark (test/bench/cold-start.ts), which bundles exactly as the stack does.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'] as const;
