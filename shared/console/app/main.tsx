import 'uplot/dist/uPlot.min.css';
import './console.css';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem, call, session } from './api';
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
import { Webhooks } from './pages/webhooks';

const pages = [
  { path: 'overview', title: 'Overview' },
  { path: 'members', title: 'Members' },
  { path: 'program', title: 'Program' },
  { path: 'rewards', title: 'Rewards' },
  { path: 'raffles', title: 'Raffles' },
  { path: 'campaigns', title: 'Campaigns' },
  { path: 'partners', title: 'Partners' },
  { path: 'webhooks', title: 'Webhooks' },
  { path: 'imports', title: 'Imports' },
  { path: 'audit', title: 'Audit' },
] as const;

/** The admin key is checked with an admin-only read before it is kept (in this tab's session only). */
function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await call('GET', '/v1/admin/program', { key: key.trim() });
      session.signIn(key.trim());
      onSignedIn();
    } catch (e) {
      setError(
        e instanceof ApiProblem && (e.status === 401 || e.status === 403)
          ? new Error('This is not an admin key of this API.')
          : e,
      );
    }
  };
  return (
    <main class="sign-in" id="main">
      <h1>Rewards console</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <Field
          id="admin-key"
          label="Admin key"
          hint="Kept only in this browser tab; closing the tab signs you out."
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
  const [signedIn, setSignedIn] = useState(() => session.key() !== null);
  const [section = 'overview', ...rest] = useRoute();
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const current = pages.find((p) => p.path === section) ?? pages[0];
  document.title = `${current.title} — Rewards console`;
  return (
    <>
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
            {pages.map((p) => (
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
            setSignedIn(false);
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
        {current.path === 'campaigns' && <Campaigns />}
        {current.path === 'partners' && <Partners />}
        {current.path === 'webhooks' && <Webhooks />}
        {current.path === 'imports' && <Imports />}
        {current.path === 'audit' && <Audit />}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
