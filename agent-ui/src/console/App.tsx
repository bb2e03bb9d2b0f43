import { useCallback, useEffect, useState } from 'react';
import { currentUser, logout, type SessionUser } from './api/endpoints.js';
import { onUnauthorized } from './api/http.js';
import { LoginPage } from './auth/LoginPage.js';
import { clearDrafts, pruneDrafts } from './conversations/drafts.js';
import { useI18n } from './i18n/context.js';
import { Workspace } from './workspace/Workspace.js';

type AuthState =
  | { phase: 'checking' }
  | { phase: 'signedOut'; expired: boolean }
  | { phase: 'signedIn'; user: SessionUser };

export function App() {
  const { t } = useI18n();
  const [auth, setAuth] = useState<AuthState>({ phase: 'checking' });

  useEffect(() => {
    pruneDrafts();
    let cancelled = false;
    currentUser().then(
      (user) => {
        if (!cancelled) setAuth({ phase: 'signedIn', user });
      },
      () => {
        // 401 (no session) or the hub is unreachable: either way the login page,
        // which reports a network problem when the user tries to sign in.
        if (!cancelled) setAuth({ phase: 'signedOut', expired: false });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const signedIn = auth.phase === 'signedIn';
  const signedInUser = signedIn ? auth.user : null;

  const signOut = useCallback(async () => {
    if (signedInUser) clearDrafts(signedInUser.id);
    try {
      await logout();
    } catch {
      // The session may already be gone; the user still ends up signed out here.
    }
    setAuth({ phase: 'signedOut', expired: false });
  }, [signedInUser]);

  // Drafts stay in localStorage: signing in again brings them back.
  const sessionLost = useCallback(() => {
    setAuth((current) => (current.phase === 'signedIn' ? { phase: 'signedOut', expired: true } : current));
  }, []);

  // While signed in, any 401 from the API means the session expired or was revoked.
  // Coming back to the tab checks at once instead of waiting for the next click.
  useEffect(() => {
    if (!signedIn) return;
    onUnauthorized(sessionLost);
    const onVisible = () => {
      if (document.visibilityState === 'visible') currentUser().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      onUnauthorized(null);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [signedIn, sessionLost]);

  if (auth.phase === 'checking') {
    return (
      <div className="splash" aria-busy="true">
        {t('common.loading')}
      </div>
    );
  }
  if (auth.phase === 'signedOut') {
    return <LoginPage expired={auth.expired} onLoggedIn={(user) => setAuth({ phase: 'signedIn', user })} />;
  }
  return <Workspace key={auth.user.id} user={auth.user} onSignOut={signOut} onSessionLost={sessionLost} />;
}
