/**
 * The raffle check the console runs in the browser: the published procedure
 * (shared/README.md#raffles-a-draw-anyone-can-verify) on the raffle's revealed seed and its
 * entries list, with Web Crypto instead of node:crypto, so an admin sees the draw verified
 * without leaving the page. It is the verifier script's procedure, not the server's draw
 * (which keeps tickets in a Fenwick tree): test/unit/console-raffle-check.test.ts checks it
 * against the domain's draw.
 */
export interface DrawnRaffle {
  seed?: string | undefined;
  seedHash: string;
  prizes: { prizeId: string; quantity: number }[];
  winners?: { prizeId: string; memberId: string; entry: number }[] | undefined;
}

export interface RaffleCheck {
  seedHashMatches: boolean;
  winnersMatch: boolean;
  tickets: number;
  winners: { prizeId: string; memberId: string; entry: number }[];
}

/** Tickets beyond this are left to the verifier script: the browser lists every ticket. */
export const MAX_CHECKED_TICKETS = 2_000_000;

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) => new Uint8Array((text.match(/../g) ?? []).map((pair) => parseInt(pair, 16)));

export async function checkRaffleDraw(
  raffle: DrawnRaffle,
  entries: { memberId: string; entries: number }[],
): Promise<RaffleCheck> {
  if (!raffle.seed) throw new Error('The raffle is not drawn yet: its seed is still secret.');
  const tickets = entries
    .toSorted((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
    .flatMap(({ memberId, entries: count }) => Array.from({ length: count }, (_, i) => ({ memberId, entry: i + 1 })));
  const total = tickets.length;
  if (total > MAX_CHECKED_TICKETS)
    throw new Error(`${total} tickets are too many to check here: use the verifier script.`);
  const seed = fromHex(raffle.seed);
  const seedHashMatches = hex(await crypto.subtle.digest('SHA-256', seed)) === raffle.seedHash;
  const key = await crypto.subtle.importKey('raw', seed, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const encoder = new TextEncoder();
  const winners: RaffleCheck['winners'] = [];
  let counter = 0;
  for (const { prizeId, quantity } of raffle.prizes) {
    for (let unit = 0; unit < quantity && tickets.length > 0; unit++) {
      let position: number | undefined;
      while (position === undefined) {
        const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(String(counter++))));
        // The first 6 bytes, big-endian: below 2^48, exact in a double.
        const x = mac.slice(0, 6).reduce((value, byte) => value * 256 + byte, 0);
        if (x < 2 ** 48 - (2 ** 48 % tickets.length)) position = x % tickets.length;
      }
      const [ticket] = tickets.splice(position, 1);
      if (ticket) winners.push({ prizeId, ...ticket });
    }
  }
  const line = (w: { prizeId: string; memberId: string; entry: number }) => `${w.prizeId} ${w.memberId} ${w.entry}`;
  const winnersMatch = (raffle.winners ?? []).map(line).join('\n') === winners.map(line).join('\n');
  return { seedHashMatches, winnersMatch, tickets: total, winners };
}
