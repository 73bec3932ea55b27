import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { SESSION_KEYS_ENV } from '@shared/sessions/keys';

export interface MemberSessionKeysProps {
  /** The region's key generations (settings `memberSessionKeys`), the signing one first. */
  generations: readonly string[];
}

/**
 * The keys member session tokens are signed with: KMS asymmetric keys (ECC_NIST_P256, ES256), one
 * per generation. The private half never leaves KMS: the members function may only ask KMS to sign
 * with the first; the authorizer and the public function (the JWKS) may only read public halves.
 *
 * Rotation: put a new generation first and deploy (it signs from then on, the old one still
 * verifies and stays in the JWKS); 15 minutes later, when the old one's last token has expired,
 * remove it and deploy again: its key is then scheduled for deletion.
 */
export class MemberSessionKeys extends Construct {
  readonly keys: Key[];

  constructor(scope: Construct, id: string, props: MemberSessionKeysProps) {
    super(scope, id);
    this.keys = props.generations.map(
      (generation) =>
        new Key(this, `Key${generation}`, {
          description: `Signs member session tokens (ES256), generation ${generation}`,
          keySpec: KeySpec.ECC_NIST_P256,
          keyUsage: KeyUsage.SIGN_VERIFY,
          // A retired generation signs nothing and its tokens died 15 minutes after the rotation.
          removalPolicy: RemovalPolicy.DESTROY,
          pendingWindow: Duration.days(7),
        }),
    );
  }

  private get signingKey(): Key {
    const key = this.keys[0];
    if (!key) throw new Error('memberSessionKeys needs at least one generation');
    return key;
  }

  /** The function signs new sessions with the first key (and learns every key's ARN). */
  grantSign(fn: LambdaFunction): void {
    this.name(fn);
    this.signingKey.grant(fn, 'kms:Sign');
  }

  /** The function reads the public keys (to verify tokens, or to publish the JWKS). */
  grantPublicKeys(fn: LambdaFunction): void {
    this.name(fn);
    for (const key of this.keys) key.grant(fn, 'kms:GetPublicKey');
  }

  private name(fn: LambdaFunction): void {
    fn.addEnvironment(SESSION_KEYS_ENV, this.keys.map((key) => key.keyArn).join(' '));
  }
}
