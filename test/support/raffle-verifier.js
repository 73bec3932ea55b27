// Re-runs a raffle draw: node verify-raffle.mjs raffle.json entries.json
// raffle.json: GET /v1/raffles/{raffleId} after the draw; entries.json: the items of every page of
// GET /v1/admin/raffles/{raffleId}/entries, as one JSON array (or one page as returned).
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [raffleFile, entriesFile] = process.argv.slice(2);
const raffle = JSON.parse(readFileSync(raffleFile, 'utf8'));
const listed = JSON.parse(readFileSync(entriesFile, 'utf8'));
const seed = Buffer.from(raffle.seed, 'hex');
const seedHashOk = createHash('sha256').update(seed).digest('hex') === raffle.seedHash;

// Tickets ordered by (memberId, entry number).
const tickets = (Array.isArray(listed) ? listed : listed.items)
  .toSorted((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
  .flatMap(({ memberId, entries }) => Array.from({ length: entries }, (_, i) => ({ memberId, entry: i + 1 })));

// One prize unit at a time, prizes in listed order; HMAC-SHA256(seed, counter) → a position by
// rejection sampling; the winning ticket leaves the list.
const winners = [];
let counter = 0;
for (const { prizeId, quantity } of raffle.prizes) {
  for (let unit = 0; unit < quantity && tickets.length > 0; unit++) {
    let position;
    while (position === undefined) {
      const x = createHmac('sha256', seed).update(String(counter++)).digest().readUIntBE(0, 6);
      if (x < 2 ** 48 - (2 ** 48 % tickets.length)) position = x % tickets.length;
    }
    winners.push({ prizeId, ...tickets.splice(position, 1)[0] });
  }
}

for (const w of winners) console.log(`${w.prizeId} ${w.memberId} entry ${w.entry}`);
const published = (raffle.winners ?? []).map((w) => `${w.prizeId} ${w.memberId} ${w.entry}`).join('\n');
const winnersOk = published === winners.map((w) => `${w.prizeId} ${w.memberId} ${w.entry}`).join('\n');
console.log(`seedHash ${seedHashOk ? 'matches' : 'DOES NOT MATCH'} the seed`);
console.log(`published winners ${winnersOk ? 'match' : 'DO NOT MATCH'} the draw`);
process.exitCode = seedHashOk && winnersOk ? 0 : 1;
