import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { tableDefinition } from '@shared/store/table';

export interface RewardsTableProps {
  encryption: 'aws-managed' | 'customer-managed';
}

/**
 * The one table of a region, built from shared/store/table.ts (the definition the local
 * runtime uses too). It holds the ledger, so it is protected four ways: point-in-time
 * recovery, deletion protection, RETAIN on stack deletion, and encryption at rest.
 * A plain regional table on purpose, never a global table: replicas resolve concurrent
 * writes by last writer wins, which would lose points (see infra/README.md, "Why regions are independent").
 */
export class RewardsTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: RewardsTableProps) {
    super(scope, id);
    const encryptionKey =
      props.encryption === 'customer-managed'
        ? new Key(this, 'Key', {
            description: 'Encrypts the rewards table',
            enableKeyRotation: true,
            removalPolicy: RemovalPolicy.RETAIN,
          })
        : undefined;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      stream: StreamViewType[tableDefinition.stream],
      ...(encryptionKey
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey }
        : { encryption: TableEncryption.AWS_MANAGED }),
    });
    for (const index of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.projection.type === 'ALL'
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.attributes] }),
      });
    }
  }
}
