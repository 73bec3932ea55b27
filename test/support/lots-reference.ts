import { compareLots, type PointsLot } from '@shared/domain/lots';

/** A lot as the eager reference models keep it: its credit and every debit written to it at once. */
export interface ReferenceLot {
  lot: PointsLot;
  movements: number[];
  dead: boolean;
}

/**
 * What the property tests of points lots compare the engine with: every debit is written to the
 * lots it takes at once (soonest-expiring first), and a debt (a refund's shortfall beyond the
 * balance) is paid by the next points to become available. Each test drives it its own way.
 */
export class LotsReference {
  lots: ReferenceLot[] = [];
  debt = 0;

  left(lot: ReferenceLot): number {
    return lot.movements.reduce((sum, points) => sum + points, 0);
  }

  available(now: Date): ReferenceLot[] {
    return this.lots
      .filter((lot) => !lot.dead && Date.parse(lot.lot.availableAt) <= now.getTime())
      .sort((a, b) => compareLots(a.lot, b.lot));
  }

  /** Takes up to `points` from the available lots, soonest-expiring first; returns what it could not. */
  take(points: number, now: Date): number {
    let wanted = points;
    for (const lot of this.available(now)) {
      const take = Math.min(this.left(lot), wanted);
      if (take > 0) lot.movements.push(-take);
      wanted -= take;
    }
    return wanted;
  }

  settle(now: Date): void {
    this.debt = this.take(this.debt, now);
  }

  totals(now: Date): { balance: number; pending: number } {
    let balance = -this.debt;
    let pending = 0;
    for (const lot of this.lots.filter((l) => !l.dead)) {
      if (Date.parse(lot.lot.availableAt) <= now.getTime()) balance += this.left(lot);
      else pending += this.left(lot);
    }
    return { balance: balance === 0 ? 0 : balance, pending };
  }
}
