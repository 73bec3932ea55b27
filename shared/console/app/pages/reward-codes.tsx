import { useState } from 'preact/hooks';
import { call } from '../api';
import { Field, ProblemAlert, useLoad } from '../components';
import { formatInt } from '../format';
import type { Reward } from '../types';

interface CodeStats {
  available?: number;
  issued: number;
  used: number;
  expired: number;
  cancelled: number;
  reserved?: number;
}

/** The most codes one upload takes (the route's limit). */
const MAX_UPLOAD = 10_000;

/** A code reward's codes: the counts by status and, for a pool reward, an upload of codes. */
export function RewardCodes({ reward, onUploaded }: { reward: Reward; onUploaded: () => void }) {
  const [version, setVersion] = useState(0);
  const stats = useLoad(
    () =>
      call<CodeStats>('GET', `/v1/admin/rewards/${encodeURIComponent(reward.rewardId)}/codes/stats`).then(
        (r) => r.body,
      ),
    [reward.rewardId, version],
  );
  const pool = reward.fulfilment?.type === 'code' && reward.fulfilment.source === 'pool';
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const upload = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setNotice(undefined);
    // One code a line; blank lines and surrounding spaces are not codes.
    const codes = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    try {
      const { body } = await call<{ added: number; duplicates: string[] }>(
        'POST',
        `/v1/admin/rewards/${encodeURIComponent(reward.rewardId)}/codes`,
        { body: { codes } },
      );
      setNotice(
        `${formatInt(body.added)} added` +
          (body.duplicates.length > 0 ? `; ${formatInt(body.duplicates.length)} already known, not added` : ''),
      );
      setText('');
      setVersion((v) => v + 1);
      onUploaded();
    } catch (e) {
      setError(e);
    }
  };
  const s = stats.data;
  return (
    <section class="card" aria-labelledby="reward-codes-title">
      <h2 id="reward-codes-title">Codes of {reward.name}</h2>
      <ProblemAlert error={stats.error} />
      {s && (
        <dl data-testid="code-stats">
          {s.available !== undefined && (
            <>
              <dt>Available in the pool</dt>
              <dd>{formatInt(s.available)}</dd>
            </>
          )}
          <dt>Issued</dt>
          <dd>{formatInt(s.issued)}</dd>
          <dt>Used</dt>
          <dd>{formatInt(s.used)}</dd>
          <dt>Expired</dt>
          <dd>{formatInt(s.expired)}</dd>
          <dt>Cancelled</dt>
          <dd>{formatInt(s.cancelled)}</dd>
          {s.reserved !== undefined && (
            <>
              <dt>Points reserved by issued codes</dt>
              <dd>{formatInt(s.reserved)}</dd>
            </>
          )}
        </dl>
      )}
      {pool && (
        <form onSubmit={(e) => void upload(e)}>
          <Field
            id="pool-codes"
            label={`Codes to add to the pool, one a line (at most ${formatInt(MAX_UPLOAD)})`}
            error={undefined}
          >
            {(props) => <textarea {...props} rows={6} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <ProblemAlert error={error} />
          {notice && <p role="status">{notice}</p>}
          <button type="submit">Upload codes</button>
        </form>
      )}
    </section>
  );
}
