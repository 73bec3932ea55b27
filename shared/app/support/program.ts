import { assertCurrency, type Money } from '@shared/domain/money';
import type { Program } from '@shared/schemas/program';
import { currentProgram } from '@shared/store/program';

/** A purchase as a partner reports it: the order, what it cost, when it happened (default: now). */
export interface PurchaseReport {
  orderId: string;
  amount: Money;
  occurredAt?: string | undefined;
  /** The basket, when the till sends it (earn and preview only). */
  channel?: string | undefined;
  storeId?: string | undefined;
  lines?:
    { lineId: string; sku: string; categories?: string[] | undefined; quantity: number; amount: Money }[] | undefined;
  tenders?: { type: string; amount: Money }[] | undefined;
}

/** The program in force, with the request's amount checked to be in its currency (`body.amount`). */
export async function programForAmount(amount: Money): Promise<Program> {
  const program = await currentProgram();
  assertCurrency(amount, program.currency, 'body.amount');
  return program;
}
