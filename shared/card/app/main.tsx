import './card.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { read, SessionEnded, sessionToken, type Code, type Member, type MemberReward } from './api';
import { QrCode } from './qr';

/** Minor units as the currency writes them (its own number of decimals). */
function money(value: number, currency: string): string {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(value / 10 ** decimals);
}

const points = (count: number) => `${new Intl.NumberFormat().format(count)} points`;
const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function TierProgress({ tier }: { tier: Member['tier'] }) {
  const spend = tier.qualifyingSpend;
  const next = tier.nextTier;
  return (
    <section aria-labelledby="tier-heading">
      <h2 id="tier-heading">Tier: {tier.name}</h2>
      {next ? (
        <>
          <progress
            id="tier-progress"
            max={spend.value + next.remainingSpend.value}
            value={spend.value}
            aria-label={`Progress to ${next.name}`}
          />
          <p>
            {money(next.remainingSpend.value, next.remainingSpend.currency)} more to reach <strong>{next.name}</strong>
          </p>
        </>
      ) : (
        <p>The highest tier.</p>
      )}
    </section>
  );
}

function Points({ member }: { member: Member }) {
  const expiring = member.points.expiring ?? [];
  return (
    <section aria-labelledby="points-heading">
      <h2 id="points-heading">Points</h2>
      <dl class="figures">
        <div>
          <dt>Balance</dt>
          <dd id="balance">{points(member.points.balance)}</dd>
        </div>
        <div>
          <dt>Pending</dt>
          <dd id="pending">{points(member.points.pending ?? 0)}</dd>
        </div>
      </dl>
      {expiring.length > 0 ? (
        <>
          <h3>Expiring soon</h3>
          <ul id="expiring">
            {expiring.map((lot) => (
              <li key={lot.expiresAt}>
                {points(lot.points)} on {day(lot.expiresAt)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>No points expiring soon.</p>
      )}
    </section>
  );
}

function Rewards({ rewards }: { rewards: MemberReward[] }) {
  const affordable = rewards.filter((reward) => reward.affordable && reward.eligible);
  return (
    <section aria-labelledby="rewards-heading">
      <h2 id="rewards-heading">Rewards you can have now</h2>
      {affordable.length > 0 ? (
        <ul id="rewards">
          {affordable.map((reward) => (
            <li key={reward.rewardId}>
              {reward.name} — {points(reward.pointsCost)}
            </li>
          ))}
        </ul>
      ) : (
        <p>None yet: keep collecting points.</p>
      )}
    </section>
  );
}

/** The codes to show at the till or type in at the shop: each with its QR code and its last day. */
function Codes({ codes, rewards }: { codes: Code[]; rewards: MemberReward[] }) {
  const names = new Map(rewards.map((reward) => [reward.rewardId, reward.name]));
  // An issued code always carries its text; the type allows none for the events of ended codes.
  const shown = codes.filter((code): code is Code & { code: string } => typeof code.code === 'string');
  if (shown.length === 0) return null;
  return (
    <section aria-labelledby="codes-heading">
      <h2 id="codes-heading">Your codes</h2>
      <ul id="codes" class="codes">
        {shown.map((code) => {
          const reward = names.get(code.rewardId) ?? code.rewardId;
          return (
            <li key={code.codeId}>
              <QrCode text={code.code} label={`QR code of your code ${code.code} for ${reward}`} size={160} />
              <p>
                <strong>{reward}</strong>: <code>{code.code}</code>, until {day(code.expiresAt)}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

type State =
  | { kind: 'loading' }
  | { kind: 'ended'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; member: Member; rewards: MemberReward[]; codes: Code[] };

function Card() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    const token = sessionToken();
    if (!token) {
      setState({ kind: 'ended', message: 'Open your card from the shop’s app: this page has no card link.' });
      return;
    }
    Promise.all([
      read<Member>('', token),
      read<{ items: MemberReward[] }>('/rewards?limit=100', token),
      read<{ items: Code[] }>('/codes?status=issued&limit=100', token),
    ])
      .then(([member, rewards, codes]) =>
        setState({ kind: 'ready', member, rewards: rewards.items, codes: codes.items }),
      )
      .catch((error: unknown) =>
        setState(
          error instanceof SessionEnded
            ? { kind: 'ended', message: 'This card link has expired: open your card again from the shop’s app.' }
            : { kind: 'failed', message: error instanceof Error ? error.message : 'The card could not be loaded.' },
        ),
      );
  }, []);

  if (state.kind === 'loading')
    return (
      <p role="status" aria-live="polite">
        Loading your card…
      </p>
    );
  if (state.kind !== 'ready')
    return (
      <p role="alert" class="problem">
        {state.message}
      </p>
    );
  const { member, rewards, codes } = state;
  return (
    <>
      <h1>{member.name ? `${member.name}’s card` : 'Your card'}</h1>
      <section aria-labelledby="till-heading" class="till">
        <h2 id="till-heading">Show at the till</h2>
        <QrCode text={member.memberId} label={`QR code of your member number ${member.memberId}`} />
        <p class="member-id">{member.memberId}</p>
      </section>
      <TierProgress tier={member.tier} />
      <Codes codes={codes} rewards={rewards} />
      <Points member={member} />
      <Rewards rewards={rewards} />
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<main>{<Card />}</main>, root);
