import 'uplot/dist/uPlot.min.css';
import './console.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AccessContext, can, learnAccess, type Access, type ConsoleScope } from './access';
import { ApiProblem, session } from './api';
import { Field, ProblemAlert } from './components';
import { navigate, useRoute } from './router';
import { Audit } from './pages/audit';
import { Campaigns } from './pages/campaigns';
import { Imports } from './pages/imports';
import { Members } from './pages/members';
import { Overview } from './pages/overview';
import { Partners } from './pages/partners';
import { ProgramPage } from './pages/program';
import { Raffles } from './pages/raffles';
import { Rewards } from './pages/rewards';
import { Segments } from './pages/segments';
import { Webhooks } from './pages/webhooks';

/** Each page and what a key needs to see it (an admin key sees every page). */
const pages: readonly { path: string; title: string; needs?: ConsoleScope }[] = [
  { path: 'overview', title: 'Overview' },
  { path: 'members', title: 'Members', needs: 'members:read' },
  { path: 'program', title: 'Program' },
  { path: 'rewards', title: 'Rewards' },
  { path: 'raffles', title: 'Raffles' },
  { path: 'segments', title: 'Segments' },
  { path: 'campaigns', title: 'Campaigns' },
  { path: 'partners', title: 'Partners' },
  { path: 'webhooks', title: 'Webhooks' },
  { path: 'imports', title: 'Imports' },
  { path: 'audit', title: 'Audit' },
];

const visible = (access: Access) => pages.filter((p) => can(access, p.needs ?? 'admin'));

/**
 * Any key of the API signs in: what it may do is learnt first (access.ts), and a key that can use
 * no page is refused. The key is kept in this tab's session only; what it may do is learnt again
 * on each load, never stored.
 */
function SignIn({ onSignedIn }: { onSignedIn: (access: Access) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const access = await learnAccess(key.trim());
      if (visible(access).length === 0)
        return setError(new Error('This key can use none of the console (it needs members:read, or an admin key).'));
      session.signIn(key.trim());
      onSignedIn(access);
    } catch (e) {
      setError(e instanceof ApiProblem && e.status === 401 ? new Error('This key is not known to this API.') : e);
    }
  };
  return (
    <main class="sign-in" id="main">
      <h1>Rewards console</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <Field
          id="api-key"
          label="API key"
          hint="An admin key, or a partner key with members:read. Kept only in this browser tab; closing the tab signs you out."
          error={error instanceof Error && !(error instanceof ApiProblem) ? error.message : undefined}
        >
          {(a) => (
            <input
              {...a}
              type="password"
              autoComplete="off"
              required
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit">Sign in</button>
      </form>
      {error instanceof ApiProblem && <ProblemAlert error={error} />}
    </main>
  );
}

function App() {
  const [access, setAccess] = useState<Access>();
  const [checking, setChecking] = useState(() => session.key() !== null);
  const [section = 'overview', ...rest] = useRoute();
  useEffect(() => {
    const key = session.key();
    if (!key) return;
    learnAccess(key)
      .then(setAccess, () => session.signOut())
      .finally(() => setChecking(false));
  }, []);
  if (checking) return <p aria-live="polite">Checking the key…</p>;
  if (!access)
    return (
      <SignIn
        onSignedIn={(a) => {
          setAccess(a);
          if (!a.admin) navigate('/members');
        }}
      />
    );
  const shown = visible(access);
  const current = shown.find((p) => p.path === section) ?? shown[0];
  if (!current) return null;
  document.title = `${current.title} — Rewards console`;
  return (
    <AccessContext.Provider value={access}>
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Rewards console</span>
        <nav aria-label="Console">
          <ul>
            {shown.map((p) => (
              <li key={p.path}>
                <a href={`#/${p.path}`} aria-current={p.path === current.path ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            session.signOut();
            setAccess(undefined);
            navigate('/overview');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {current.path === 'overview' && <Overview />}
        {current.path === 'members' && <Members memberId={rest[0] || undefined} />}
        {current.path === 'program' && <ProgramPage />}
        {current.path === 'rewards' && <Rewards />}
        {current.path === 'raffles' && <Raffles raffleId={rest[0] || undefined} />}
        {current.path === 'segments' && <Segments />}
        {current.path === 'campaigns' && <Campaigns />}
        {current.path === 'partners' && <Partners />}
        {current.path === 'webhooks' && <Webhooks />}
        {current.path === 'imports' && <Imports />}
        {current.path === 'audit' && <Audit />}
      </main>
    </AccessContext.Provider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
