import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { WEBHOOK_SECRETS_KEY_ENV } from '@shared/secrets/data-keys';

/** The key operations that reach a secret: what no role but the two below may ever do with the key. */
export const SECRET_KEY_USE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

export interface WebhookSecretsKeyProps {
  /** Signs deliveries: opens the secrets (kms:Decrypt). */
  delivery: LambdaFunction;
  /** The webhook admin routes: seal new and rotated secrets, open them to rotate (and the migration). */
  admin: LambdaFunction;
}

/**
 * The region's KMS key that webhook signing secrets are sealed under (envelope encryption, see
 * shared/secrets). The delivery function may open, the webhook admin function may seal and open;
 * the key policy denies both to every other principal of the account, whatever IAM policy it holds
 * (the fan-out, the other functions, operators: the table, its backups and exports show only
 * sealed secrets). Administering the key (policy, rotation, deletion) stays with the account.
 */
export class WebhookSecretsKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: WebhookSecretsKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Seals webhook signing secrets at rest (data keys of envelope encryption)',
      enableKeyRotation: true,
      // Secrets sealed under a deleted key are lost: endpoints would need new secrets. Kept.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    const users = [props.delivery, props.admin].map((fn) => {
      if (!fn.role) throw new Error(`${fn.node.path} has no role`);
      return fn.role.roleArn;
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyDeliveryAndWebhookAdminUseTheKey',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: SECRET_KEY_USE,
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': users } },
      }),
    );
    this.key.grant(props.delivery, 'kms:Decrypt');
    this.key.grant(props.admin, 'kms:GenerateDataKey', 'kms:Decrypt');
    for (const fn of [props.delivery, props.admin]) fn.addEnvironment(WEBHOOK_SECRETS_KEY_ENV, this.key.keyArn);
  }
}
