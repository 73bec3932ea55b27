import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The verifiable raffle draw. Everything here is deterministic given the seed, except
 * `newRaffleSeed`, which reads the operating system's cryptographic RNG.
 *
 * The procedure (shared/README.md's "Raffles: a draw anyone can verify" publishes it with a
 * verifier script that re-implements it independently):
 *
 * 1. The seed is 32 random bytes, written as 64 lowercase hex characters. `seedHash` is the
 *    hex SHA-256 of those 32 BYTES (not of the hex text).
 * 2. Tickets: each member's entries become tickets numbered 1..entries; all tickets are
 *    ordered by memberId (plain string comparison; ids are ASCII, so this is byte order),
 *    then by entry number. Ticket positions count from 0.
 * 3. Prize units are drawn one at a time: prizes in their listed order, each `quantity` times.
 * 4. For a unit, with n tickets left, take block = HMAC-SHA256(key = seed bytes, message =
 *    the ASCII decimal of a counter that starts at 0 and goes up by one per HMAC), read its
 *    first 6 bytes as a big-endian integer x (0 ≤ x < 2^48). If x < 2^48 − (2^48 mod n), the
 *    winning position is x mod n; otherwise the block is rejected and the next counter is
 *    tried (rejection sampling: every position is exactly equally likely).
 * 5. The winning ticket leaves the list (the tickets after it move up one position), so no
 *    ticket wins twice. When no ticket is left, the remaining units go undrawn.
 *
 * One ticket wins at most one unit, but a member with several tickets may win several units.
 * We chose this because an entry is what a member earned or paid points for: each entry must
 * keep the same chance whatever happened to the member's other entries, and the published
 * odds stay simple (with u units and n tickets, every ticket wins with probability min(u, n)/n).
 * An admin who wants to spread prizes among more members caps entries with `maxPerMember`.
 */

export const SEED_BYTES = 32;
/** Bits of each HMAC block used for an index: 2^48 stays an exact integer in JavaScript. */
const INDEX_BITS = 48;
const INDEX_RANGE = 2 ** INDEX_BITS;

export interface MemberEntries {
  memberId: string;
  entries: number;
}

export interface PrizeUnits {
  prizeId: string;
  quantity: number;
}

export interface RaffleWinner {
  prizeId: string;
  memberId: string;
  /** Which of the member's tickets won: 1..entries, in the verifier's numbering. */
  entry: number;
}

/** A fresh secret seed from the cryptographic RNG, as 64 hex characters. */
export function newRaffleSeed(): string {
  return randomBytes(SEED_BYTES).toString('hex');
}

function seedBytes(seed: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(seed)) throw new RangeError('a raffle seed is 64 lowercase hex characters');
  return Buffer.from(seed, 'hex');
}

/** What is published before the draw: hex SHA-256 of the seed's 32 bytes. */
export function seedHashOf(seed: string): string {
  return createHash('sha256').update(seedBytes(seed)).digest('hex');
}

/**
 * A uniform position in [0, n) from one HMAC block, or undefined when the block falls in the
 * top sliver of 2^48 − (2^48 mod n) … 2^48 that would favour the low positions (step 4).
 */
export function positionFromBlock(block: Uint8Array, n: number): number | undefined {
  if (!Number.isSafeInteger(n) || n < 1 || n > INDEX_RANGE) throw new RangeError(`cannot draw among ${n} tickets`);
  const x = Buffer.from(block.buffer, block.byteOffset, block.byteLength).readUIntBE(0, INDEX_BITS / 8);
  return x < INDEX_RANGE - (INDEX_RANGE % n) ? x % n : undefined;
}

function byMemberId(a: MemberEntries, b: MemberEntries): number {
  if (a.memberId < b.memberId) return -1;
  return a.memberId > b.memberId ? 1 : 0;
}

/** The entries in the draw's order (step 2); members without entries hold no ticket. */
export function orderedEntries(entries: readonly MemberEntries[]): MemberEntries[] {
  const sorted = entries.filter((e) => e.entries > 0).sort(byMemberId);
  sorted.forEach((e, i) => {
    if (!Number.isSafeInteger(e.entries)) throw new RangeError(`entries of ${e.memberId} must be an integer`);
    if (i > 0 && sorted[i - 1]?.memberId === e.memberId) throw new RangeError(`${e.memberId} is listed twice`);
  });
  return sorted;
}

/**
 * Remaining tickets per member in a Fenwick tree, so that "the ticket at position p of the
 * remaining list" is found in O(log members) without listing every ticket: a raffle with
 * entries per cent spent can hold millions of tickets, far more than it has members.
 */
class RemainingTickets {
  private readonly tree: number[];
  /** Per member, the entry numbers already drawn, ascending. */
  private readonly drawn: number[][];
  total = 0;

  constructor(private readonly members: MemberEntries[]) {
    this.tree = new Array<number>(members.length + 1).fill(0);
    this.drawn = members.map(() => []);
    members.forEach((m, i) => this.add(i, m.entries));
    if (this.total > INDEX_RANGE) throw new RangeError('more tickets than a draw can index');
  }

  private add(member: number, delta: number): void {
    this.total += delta;
    for (let i = member + 1; i < this.tree.length; i += i & -i) this.tree[i] = (this.tree[i] ?? 0) + delta;
  }

  /** Removes the ticket at `position` of the remaining list and says whose it was. */
  take(position: number): { memberId: string; entry: number } {
    // Descend the tree to the member whose remaining tickets cover the position.
    let member = 0;
    let rest = position;
    for (let step = 2 ** Math.floor(Math.log2(this.tree.length)); step > 0; step >>= 1) {
      const next = member + step;
      const count = this.tree[next];
      if (count !== undefined && next < this.tree.length && count <= rest) {
        member = next;
        rest -= count;
      }
    }
    const holder = this.members[member];
    const drawn = this.drawn[member];
    if (!holder || !drawn) throw new RangeError(`position ${position} is past the last ticket`);
    // The (rest+1)-th entry number of 1..entries that has not been drawn yet.
    let entry = rest + 1;
    let at = 0;
    while (at < drawn.length && (drawn[at] ?? Infinity) <= entry) {
      entry += 1;
      at += 1;
    }
    drawn.splice(at, 0, entry);
    this.add(member, -1);
    return { memberId: holder.memberId, entry };
  }
}

/** The winners, one per prize unit drawn, in draw order (steps 2–5). */
export function drawWinners(
  seed: string,
  entries: readonly MemberEntries[],
  prizes: readonly PrizeUnits[],
): RaffleWinner[] {
  const key = seedBytes(seed);
  const pool = new RemainingTickets(orderedEntries(entries));
  const winners: RaffleWinner[] = [];
  let counter = 0;
  for (const prize of prizes) {
    for (let unit = 0; unit < prize.quantity && pool.total > 0; unit++) {
      let position: number | undefined;
      do {
        const block = createHmac('sha256', key).update(String(counter)).digest();
        counter += 1;
        position = positionFromBlock(block, pool.total);
      } while (position === undefined);
      winners.push({ prizeId: prize.prizeId, ...pool.take(position) });
    }
  }
  return winners;
}
