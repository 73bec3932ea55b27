import { useState } from 'preact/hooks';
import { ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, SecretOnce, useLoad, usePager } from '../components';
import { formatTime } from '../format';
import { EVENT_TYPES } from '@shared/domain/events';
import type { Delivery, DeliveryWithPayload, Webhook } from '../types';

export function Webhooks() {
  const pager = usePager();
  const [version, setVersion] = useState(0);
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  const [open, setOpen] = useState<string>();
  const list = useLoad(
    () =>
      call<Page<Webhook>>('GET', '/v1/admin/webhooks', { query: { limit: 25, cursor: pager.cursor } }).then(
        (r) => r.body,
      ),
    [pager.cursor, version],
  );
  const changed = () => setVersion((v) => v + 1);
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      {secret && <SecretOnce label={secret.label} secret={secret.value} onDismiss={() => setSecret(undefined)} />}
      <CreateWebhook
        onCreated={(w) => {
          if (w.secret) setSecret({ label: `Signing secret of ${w.url}`, value: w.secret });
          changed();
        }}
      />
      <h2>Endpoints</h2>
      <ProblemAlert error={list.error} />
      {list.data?.items.length === 0 && <p>No endpoint yet.</p>}
      <ul class="webhooks">
        {list.data?.items.map((w) => (
          <li key={w.webhookId} class="card">
            <WebhookRow
              webhook={w}
              expanded={open === w.webhookId}
              onToggle={() => setOpen(open === w.webhookId ? undefined : w.webhookId)}
              onChanged={changed}
              onSecret={(value) => setSecret({ label: `New signing secret of ${w.url}`, value })}
            />
          </li>
        ))}
      </ul>
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
    </section>
  );
}

function CreateWebhook({ onCreated }: { onCreated: (webhook: Webhook) => void }) {
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>(['*']);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = {
      url,
      types,
    };
    if (description.trim()) body.description = description.trim();
    try {
      const { body: webhook } = await call<Webhook>('POST', '/v1/admin/webhooks', { body });
      setUrl('');
      setDescription('');
      onCreated(webhook);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" aria-labelledby="create-webhook-title">
      <h2 id="create-webhook-title">Add an endpoint</h2>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <Field id="webhook-url" label="URL" error={fields.get('url')}>
          {(a) => <input {...a} type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />}
        </Field>
        <EventTypes
          value={types}
          onChange={setTypes}
          error={fields.get('types') ?? [...fields].find(([p]) => p.startsWith('types.'))?.[1]}
        />
        <Field id="webhook-description" label="Description (optional)" error={fields.get('description')}>
          {(a) => <input {...a} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </Field>
        <div class="form-actions">
          <button type="submit">Add endpoint</button>
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
    </section>
  );
}

/** The event types an endpoint receives, picked from the catalogue: every type (`*`, new ones too) or some. */
function EventTypes(props: { value: string[]; onChange: (types: string[]) => void; error: string | undefined }) {
  const all = props.value.includes('*');
  const toggle = (type: string, on: boolean) =>
    props.onChange(on ? [...props.value, type] : props.value.filter((t) => t !== type));
  return (
    <fieldset
      class={`event-types${props.error ? ' field-invalid' : ''}`}
      {...(props.error ? { 'aria-describedby': 'webhook-types-error' } : {})}
    >
      <legend>Event types</legend>
      <div class="field-check">
        <input
          id="webhook-types-all"
          type="checkbox"
          checked={all}
          onChange={(e) => props.onChange(e.currentTarget.checked ? ['*'] : [])}
        />
        <label for="webhook-types-all">Every event type, new ones included (*)</label>
      </div>
      {!all &&
        EVENT_TYPES.map((type) => (
          <div class="field-check" key={type}>
            <input
              id={`webhook-type-${type}`}
              type="checkbox"
              checked={props.value.includes(type)}
              onChange={(e) => toggle(type, e.currentTarget.checked)}
            />
            <label for={`webhook-type-${type}`}>
              <code>{type}</code>
            </label>
          </div>
        ))}
      {props.error && (
        <p class="field-error" id="webhook-types-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

function WebhookRow(props: {
  webhook: Webhook;
  expanded: boolean;
  onToggle: () => void;
  onChanged: () => void;
  onSecret: (secret: string) => void;
}) {
  const { webhook } = props;
  const path = `/v1/admin/webhooks/${encodeURIComponent(webhook.webhookId)}`;
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setError(undefined);
    setNote(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <h3>
        <code>{webhook.url}</code> <span class={`badge badge-${webhook.status}`}>{webhook.status}</span>
      </h3>
      <p class="muted">
        {webhook.types.join(', ')} {webhook.description ? `— ${webhook.description}` : ''}; since{' '}
        {formatTime(webhook.createdAt)}
      </p>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void run(async () => {
              await call('PATCH', path, { body: { status: webhook.status === 'enabled' ? 'disabled' : 'enabled' } });
              props.onChanged();
            })
          }
        >
          {webhook.status === 'enabled' ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void run(async () => {
              await call('POST', `${path}/test`);
              setNote('A webhook.test event is on its way.');
            })
          }
        >
          Send test event
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void run(async () => {
              const { body } = await call<{ secret: string }>('POST', `${path}/rotate-secret`);
              props.onSecret(body.secret);
            })
          }
        >
          Rotate secret
        </button>
        <button type="button" class="secondary" aria-expanded={props.expanded} onClick={props.onToggle}>
          Deliveries
        </button>
        {confirming ? (
          <button
            type="button"
            class="danger"
            onClick={() =>
              void run(async () => {
                await call('DELETE', path);
                props.onChanged();
              })
            }
          >
            Confirm delete
          </button>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {note && <p role="status">{note}</p>}
      <ProblemAlert error={error} />
      {props.expanded && <Deliveries path={path} />}
    </>
  );
}

function Deliveries({ path }: { path: string }) {
  const pager = usePager();
  const [status, setStatus] = useState('');
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>();
  const [shown, setShown] = useState<string>();
  const page = useLoad(
    () =>
      call<Page<Delivery>>('GET', `${path}/deliveries`, {
        query: { limit: 25, cursor: pager.cursor, status: status || undefined },
      }).then((r) => r.body),
    [path, pager.cursor, status, version],
  );
  const id = `deliveries-status-${path.replace(/\W+/g, '-')}`;
  return (
    <div class="deliveries">
      <Field id={id} label="Deliveries with status">
        {(a) => (
          <select
            {...a}
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              pager.reset();
            }}
          >
            <option value="">any</option>
            <option value="pending">pending</option>
            <option value="succeeded">succeeded</option>
            <option value="failed">failed</option>
          </select>
        )}
      </Field>
      <ProblemAlert error={page.error ?? error} />
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Last attempt</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Retry</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((d) => (
              <tr key={d.eventId}>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-expanded={shown === d.eventId}
                    aria-label={`Payload of ${d.eventId}`}
                    onClick={() => setShown(shown === d.eventId ? undefined : d.eventId)}
                  >
                    <code>{d.eventId}</code>
                  </button>
                </td>
                <td>{d.type}</td>
                <td>{d.status}</td>
                <td class="num">{d.attempts}</td>
                <td>
                  {formatTime(d.lastAttemptAt)} {d.lastStatusCode ? `(${d.lastStatusCode})` : ''}
                  {d.lastError ? ` ${d.lastError}` : ''}
                </td>
                <td>{formatTime(d.nextAttemptAt)}</td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => {
                      setError(undefined);
                      call('POST', `${path}/deliveries/${encodeURIComponent(d.eventId)}/retry`).then(
                        () => setVersion((v) => v + 1),
                        setError,
                      );
                    }}
                  >
                    Retry {d.eventId}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager pager={pager} nextCursor={page.data?.nextCursor} />
      {shown && (
        <DeliveryPayload key={shown} path={`${path}/deliveries/${encodeURIComponent(shown)}`} eventId={shown} />
      )}
    </div>
  );
}

/** The event a delivery sends, read when asked: the signed body is this JSON on one line. */
function DeliveryPayload({ path, eventId }: { path: string; eventId: string }) {
  const delivery = useLoad(() => call<DeliveryWithPayload>('GET', path).then((r) => r.body), [path]);
  return (
    <section class="card" aria-label={`Payload sent for ${eventId}`}>
      <h4>
        Payload of <code>{eventId}</code>
      </h4>
      <ProblemAlert error={delivery.error} />
      {delivery.data &&
        (delivery.data.payload ? (
          <>
            <p class="muted">
              The body this endpoint is sent (signed as this JSON on one line), {delivery.data.status} after{' '}
              {delivery.data.attempts} {delivery.data.attempts === 1 ? 'attempt' : 'attempts'}.
            </p>
            <pre class="json" data-testid="delivery-payload">
              {JSON.stringify(delivery.data.payload, null, 2)}
            </pre>
          </>
        ) : (
          <p>The event is no longer stored (events are kept 35 days): there is nothing to show or send.</p>
        ))}
    </section>
  );
}
