import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, lazy, Route, Router, useLocation } from 'preact-iso';
import { session, signOut } from './auth.ts';
import { type AppConfig, appConfig } from './config.ts';
import { Home } from './pages/home.tsx';
import { Callback, SignIn } from './pages/sign-in.tsx';
import { SessionNotice } from './session-notice.tsx';
import { useSignal } from './signal.ts';
import './styles.css';

/**
 * The addresses the app routes itself; every other link (a credential's verification page,
 * downloads, the API reference) is the server's, and the browser loads it.
 */
const APP_ROUTES = /^(?:https?:\/\/[^/]+)?\/(?:$|app(?:[/?#]|$)|auth\/)/;

// The signed-in sections load on demand: the first page (home, verify, sign-in) stays small.
const learner = () => import('./pages/learner.tsx');
const employer = () => import('./pages/employer.tsx');
const Badges = lazy(() => learner().then((m) => m.BadgesPage));
const Badge = lazy(() => learner().then((m) => m.BadgePage));
const Stacks = lazy(() => learner().then((m) => m.StacksPage));
const Import = lazy(() => learner().then((m) => m.ImportPage));
const Privacy = lazy(() => learner().then((m) => m.PrivacyPage));
const Search = lazy(() => employer().then((m) => m.SearchPage));
const Candidate = lazy(() => employer().then((m) => m.CandidatePage));
const Shortlist = lazy(() => import('./pages/shortlist.tsx').then((m) => m.ShortlistPage));
const Awarding = lazy(() => import('./pages/console/awarding.tsx').then((m) => m.AwardingPage));
const PathwayEditor = lazy(() =>
  import('./pages/console/pathway-editor.tsx').then((m) => m.PathwayEditorPage),
);
const Verify = lazy(() => import('./pages/verify.tsx').then((m) => m.VerifyPage));
const ConsoleDashboard = lazy(() =>
  import('./pages/console/dashboard.tsx').then((m) => m.DashboardPage),
);
const ConsoleIssuers = lazy(() => import('./pages/console/issuers.tsx').then((m) => m.IssuersPage));
const ConsoleProfile = lazy(() => import('./pages/console/profile.tsx').then((m) => m.ProfilePage));
const ConsoleAchievements = lazy(() =>
  import('./pages/console/achievements.tsx').then((m) => m.AchievementsPage),
);
const ConsoleCredentials = lazy(() =>
  import('./pages/console/credentials.tsx').then((m) => m.CredentialsPage),
);

function Nav(props: { config: AppConfig | undefined }) {
  const current = useSignal(session);
  const { route } = useLocation();
  return (
    <header class="top">
      <a class="brand" href="/">
        credstack
      </a>
      <nav aria-label="Main">
        <ul>
          {current?.learnerId && (
            <>
              <li>
                <a href="/app/badges">My badges</a>
              </li>
              <li>
                <a href="/app/stacks">My stacks</a>
              </li>
              <li>
                <a href="/app/import">Add a badge</a>
              </li>
              <li>
                <a href="/app/privacy">Privacy</a>
              </li>
            </>
          )}
          {current?.employerId && (
            <>
              <li>
                <a href="/app/search">Find candidates</a>
              </li>
              <li>
                <a href="/app/shortlist">Shortlist</a>
              </li>
            </>
          )}
          {current?.roles.some((r) => r === 'issuer-admin' || r === 'platform-admin') && (
            <li>
              <a href="/app/console">Console</a>
            </li>
          )}
          <li>
            <a href="/app/verify">Verify</a>
          </li>
          <li>
            {current ? (
              <button
                type="button"
                class="link"
                onClick={() => signOut(props.config).then(() => route('/'))}
              >
                Sign out ({current.label})
              </button>
            ) : (
              <a href="/app/sign-in">Sign in</a>
            )}
          </li>
        </ul>
      </nav>
    </header>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <a href="/">Go to the home page</a>.
      </p>
    </section>
  );
}

function App() {
  const [config, setConfig] = useState<AppConfig>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    appConfig().then(setConfig, (e: Error) => setError(e.message));
  }, []);
  return (
    <LocationProvider scope={APP_ROUTES}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Nav config={config} />
      <main id="main" tabIndex={-1}>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <SessionNotice config={config} />
        <Router>
          <Route path="/" component={Home} />
          <Route path="/app" component={Home} />
          <Route path="/app/sign-in" component={SignIn} />
          <Route path="/auth/callback" component={Callback} />
          <Route path="/app/verify" component={Verify} />
          <Route path="/app/badges" component={Badges} />
          <Route path="/app/badges/:id" component={Badge} />
          <Route path="/app/stacks" component={Stacks} />
          <Route path="/app/import" component={Import} />
          <Route path="/app/privacy" component={Privacy} />
          <Route path="/app/search" component={Search} />
          <Route path="/app/candidates/:id" component={Candidate} />
          <Route path="/app/shortlist" component={Shortlist} />
          <Route path="/app/console" component={ConsoleDashboard} />
          <Route path="/app/console/profile" component={ConsoleProfile} />
          <Route path="/app/console/issuers" component={ConsoleIssuers} />
          <Route path="/app/console/achievements" component={ConsoleAchievements} />
          <Route path="/app/console/credentials" component={ConsoleCredentials} />
          <Route path="/app/console/awarding" component={Awarding} />
          <Route path="/app/console/pathways" component={PathwayEditor} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </LocationProvider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
