import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { newPartnerId } from '@shared/ids';
import { newApiKey, putKnownKey } from '@shared/store/partners';

/**
 * Creates an admin key in a region's table: only its SHA-256 is stored, the key is printed
 * once. This is how the first key of a fresh deployment is made; after that, admins create
 * partner keys with POST /v1/admin/partners.
 *
 *   npm run admin-key -- --region eu-west-1 --table <TableName output of the stack> [--name "Ops team"]
 *
 * Uses the AWS credentials of the shell (the same ones `cdk deploy` used).
 */
export interface AdminKeyOptions {
  name: string;
  partnerId?: string;
}

export async function createAdminKey(options: AdminKeyOptions): Promise<{ partnerId: string; apiKey: string }> {
  const partnerId = options.partnerId ?? newPartnerId();
  const apiKey = newApiKey();
  await putKnownKey({ partnerId, name: options.name, scopes: [], apiKey, role: 'admin' });
  return { partnerId, apiKey };
}

const usage = 'usage: npm run admin-key -- --region <aws region> --table <table name> [--name <who holds the key>]';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { region: { type: 'string' }, table: { type: 'string' }, name: { type: 'string' } },
    strict: true,
  });
  if (!values.region || !values.table) throw new Error(usage);
  // The store reads its table and region from the environment, as it does in Lambda.
  process.env.AWS_REGION = values.region;
  process.env.TABLE_NAME = values.table;
  const { partnerId, apiKey } = await createAdminKey({ name: values.name ?? 'Administrator' });
  process.stdout.write(
    `Admin key created in ${values.region} (partner ${partnerId}). It is shown only this once:\n\n  ${apiKey}\n\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
