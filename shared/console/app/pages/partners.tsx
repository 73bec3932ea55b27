import { useState } from 'preact/hooks';
import { ApiProblem, call, type Page } from '../api';
import { Field, Pager, ProblemAlert, SecretOnce, useLoad, usePager } from '../components';
import { formatTime } from '../format';
import { PARTNER_SCOPES, type Partner } from '../types';

export function Partners() {
  const pager = usePager();
  const [version, setVersion] = useState(0);
  const [secret, setSecret] = useState<{ label: string; key: string }>();
  // Partners created in this tab, shown even before (or without) the list route answering them.
  const [created, setCreated] = useState<Partner[]>([]);
  const list = useLoad(
    () =>
      call<Page<Partner>>('GET', '/v1/admin/partners', { query: { limit: 25, cursor: pager.cursor } }).then(
        (r) => r.body,
      ),
    [pager.cursor, version],
  );
  const changed = () => setVersion((v) => v + 1);
  const listed = list.data?.items ?? [];
  const rows = [...created.filter((c) => !listed.some((p) => p.partnerId === c.partnerId)), ...listed];
  return (
    <section aria-labelledby="partners-title">
      <h1 id="partners-title">Partners</h1>
      {secret && <SecretOnce label={secret.label} secret={secret.key} onDismiss={() => setSecret(undefined)} />}
      <CreatePartner
        onCreated={(p) => {
          if (p.apiKey) setSecret({ label: `API key of ${p.name} (${p.partnerId})`, key: p.apiKey });
          setCreated((c) => [{ ...p, apiKey: undefined }, ...c]);
          changed();
        }}
      />
      <h2>Partner keys</h2>
      <ProblemAlert error={list.error} />
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Scopes</th>
              <th scope="col">Rate limit</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.partnerId}>
                <td>
                  {p.name} <code>{p.partnerId}</code>
                </td>
                <td>{p.role === 'admin' ? 'admin (every route)' : p.scopes.join(', ')}</td>
                <td>{p.rateLimit ? `${p.rateLimit.perSecond}/s, burst ${p.rateLimit.burst}` : 'default'}</td>
                <td>{formatTime(p.createdAt)}</td>
                <td>
                  <PartnerActions
                    partner={p}
                    onRotated={(key) => setSecret({ label: `New API key of ${p.name} (${p.partnerId})`, key })}
                    onDeleted={() => {
                      setCreated((c) => c.filter((x) => x.partnerId !== p.partnerId));
                      changed();
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        page={pager.page}
        nextCursor={list.data?.nextCursor}
        onNext={() => list.data?.nextCursor && pager.next(list.data.nextCursor)}
        onPrevious={pager.previous}
      />
    </section>
  );
}

function CreatePartner({ onCreated }: { onCreated: (partner: Partner) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [perSecond, setPerSecond] = useState('');
  const [burst, setBurst] = useState('');
  const [error, setError] = useState<unknown>();
  const fields = error instanceof ApiProblem ? error.fieldErrors() : new Map<string, string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = { name, scopes };
    if (perSecond.trim() || burst.trim()) body.rateLimit = { perSecond: Number(perSecond), burst: Number(burst) };
    try {
      const { body: partner } = await call<Partner>('POST', '/v1/admin/partners', { body });
      setName('');
      setScopes([]);
      setPerSecond('');
      setBurst('');
      onCreated(partner);
    } catch (e) {
      setError(e);
    }
  };
  const scopeError = fields.get('scopes') ?? [...fields].find(([path]) => path.startsWith('scopes.'))?.[1];
  return (
    <section class="card" aria-labelledby="create-partner-title">
      <h2 id="create-partner-title">Create a partner</h2>
      <form class="grid-form" onSubmit={(e) => void submit(e)}>
        <Field id="partner-name" label="Name" error={fields.get('name')}>
          {(a) => (
            <input {...a} required maxLength={128} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          )}
        </Field>
        <fieldset
          class={scopeError ? 'field-invalid' : ''}
          {...(scopeError ? { 'aria-describedby': 'partner-scopes-error' } : {})}
        >
          <legend>Scopes</legend>
          {PARTNER_SCOPES.map((scope) => (
            <div class="field-check" key={scope}>
              <input
                type="checkbox"
                id={`scope-${scope}`}
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes(e.currentTarget.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                }
              />
              <label for={`scope-${scope}`}>{scope}</label>
            </div>
          ))}
          {scopeError && (
            <p class="field-error" id="partner-scopes-error">
              {scopeError}
            </p>
          )}
        </fieldset>
        <Field id="partner-rate" label="Requests per second (optional)" error={fields.get('rateLimit.perSecond')}>
          {(a) => (
            <input
              {...a}
              type="number"
              min={1}
              value={perSecond}
              onInput={(e) => setPerSecond(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field id="partner-burst" label="Burst (optional)" error={fields.get('rateLimit.burst')}>
          {(a) => <input {...a} type="number" min={1} value={burst} onInput={(e) => setBurst(e.currentTarget.value)} />}
        </Field>
        <div class="form-actions">
          <button type="submit">Create partner</button>
        </div>
      </form>
      {error !== undefined && fields.size === 0 && <ProblemAlert error={error} />}
    </section>
  );
}

function PartnerActions(props: { partner: Partner; onRotated: (key: string) => void; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const path = `/v1/admin/partners/${encodeURIComponent(props.partner.partnerId)}`;
  const run = async (action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="actions">
      <button
        type="button"
        class="secondary"
        onClick={() =>
          void run(async () => {
            const { body } = await call<{ apiKey: string }>('POST', `${path}/rotate-key`);
            props.onRotated(body.apiKey);
          })
        }
      >
        Rotate key
      </button>
      {confirming ? (
        <>
          <button
            type="button"
            class="danger"
            onClick={() =>
              void run(async () => {
                await call('DELETE', path);
                setConfirming(false);
                props.onDeleted();
              })
            }
          >
            Confirm delete {props.partner.name}
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      <ProblemAlert error={error} />
    </div>
  );
}
