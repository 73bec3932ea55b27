import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { creditCashback, enrolMember } from '../support/use-cases';
import { listLedger } from '@shared/store/queries';
import { exportMember } from '@shared/app/reads/member-reads';
import { toTransaction } from '@shared/domain/transaction-view';
import { useFreshTable } from '../support/table';

beforeAll(async () => {
  await useFreshTable({ cashback: { holdDays: 14 } });
});

const at = (iso: string) => () => new Date(iso);

describe('reading the ledger back later', () => {
  it('shows a cashback credit as pending during its hold and as available after it, without rewriting the entry', async () => {
    const enrolled = await enrolMember(
      { consent: { marketing: false, analytics: false } },
      { partnerId: 'p', idempotency: undefined, now: at('2026-01-01T09:00:00.000Z') },
    );
    const memberId = (enrolled.body as { memberId: string }).memberId;
    const credited = await creditCashback(
      memberId,
      { orderId: 'o-1', amount: { value: 10_000, currency: 'EUR' } },
      {
        partnerId: 'p',
        idempotency: { scope: 'p', key: randomUUID(), requestHash: 'h' },
        now: at('2026-01-01T10:00:00.000Z'),
      },
    );
    expect(credited.body).toMatchObject({ cashback: { status: 'pending', releaseAt: '2026-01-15T10:00:00.000Z' } });

    const [entry] = (await listLedger(memberId, 1, undefined)).items;
    if (!entry) throw new Error('no ledger entry');
    expect(toTransaction(entry, new Date('2026-01-15T09:59:59.999Z')).cashback?.status).toBe('pending');
    expect(toTransaction(entry, new Date('2026-01-15T10:00:00.000Z')).cashback?.status).toBe('available');

    const exported = await exportMember(memberId, new Date('2026-02-01T00:00:00.000Z'));
    expect(exported.transactions.find((t) => t.orderId === 'o-1')?.cashback?.status).toBe('available');
    expect(exported.member.cashback).toMatchObject({ available: 100, pending: 0 });
  });
});
