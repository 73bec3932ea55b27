import { useState } from 'preact/hooks';
import { call, type Page } from '../api';
import { Pager, ProblemAlert, useLoad, usePager } from '../components';
import { formatInt, formatTime } from '../format';

/** A segment as `GET /v1/admin/segments` answers it. */
interface Segment {
  segmentId: string;
  name: string;
  list?: true;
  size: number;
  evaluation?: { status: 'pending' | 'running' | 'done'; evaluated: number; finishedAt?: string };
  updatedAt: string;
}

interface SegmentMember {
  memberId: string;
  since: string;
}

function describeEvaluation(segment: Segment): string {
  if (segment.list) return 'list: kept by the admin';
  const evaluation = segment.evaluation;
  if (!evaluation) return 'not evaluated';
  const evaluated = `${formatInt(evaluation.evaluated)} members evaluated`;
  if (evaluation.status === 'pending') return 'waiting to start';
  if (evaluation.status === 'running') return `running: ${evaluated}`;
  return `done: ${evaluated}${evaluation.finishedAt ? `, ${formatTime(evaluation.finishedAt)}` : ''}`;
}

/** The segments with their exact size and evaluation progress; a segment's members on demand. */
export function Segments() {
  const pager = usePager();
  const [version, setVersion] = useState(0);
  const [shown, setShown] = useState<string>();
  const page = useLoad(
    () =>
      call<Page<Segment>>('GET', '/v1/admin/segments', { query: { limit: 25, cursor: pager.cursor } }).then(
        (r) => r.body,
      ),
    [pager.cursor, version],
  );
  return (
    <section aria-labelledby="segments-title">
      <h1 id="segments-title">Segments</h1>
      <p>A rules segment is evaluated over every member when created or changed, then kept current by each write.</p>
      <ProblemAlert error={page.error} />
      <div class="table-scroll">
        <table>
          <caption>Segments in id order</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Members
              </th>
              <th scope="col">Evaluation</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((s) => (
              <tr key={s.segmentId}>
                <td>
                  <code>{s.segmentId}</code>
                </td>
                <td>{s.name}</td>
                <td class="num">{formatInt(s.size)}</td>
                <td>{describeEvaluation(s)}</td>
                <td>
                  <button type="button" class="secondary" onClick={() => setShown(s.segmentId)}>
                    Members <span class="visually-hidden">of {s.segmentId}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
      <button type="button" class="secondary" onClick={() => setVersion((v) => v + 1)}>
        Refresh
      </button>
      {shown && <Members key={shown} segmentId={shown} />}
    </section>
  );
}

function Members({ segmentId }: { segmentId: string }) {
  const pager = usePager();
  const page = useLoad(
    () =>
      call<Page<SegmentMember>>('GET', `/v1/admin/segments/${encodeURIComponent(segmentId)}/members`, {
        query: { limit: 25, cursor: pager.cursor },
      }).then((r) => r.body),
    [segmentId, pager.cursor],
  );
  return (
    <section class="card" aria-labelledby="segment-members-title">
      <h2 id="segment-members-title">Members of {segmentId}</h2>
      <ProblemAlert error={page.error} />
      <div class="table-scroll">
        <table>
          <caption>Members of {segmentId} and since when</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">In since</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((m) => (
              <tr key={m.memberId}>
                <td>
                  <a href={`#/members/${encodeURIComponent(m.memberId)}`}>
                    <code>{m.memberId}</code>
                  </a>
                </td>
                <td>{formatTime(m.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
    </section>
  );
}
