import { useCallback, useEffect, useState } from 'react';
import { currentUser, logout, type SessionUser } from './api/endpoints.js';
import { LoginPage } from './auth/LoginPage.js';
import { useI18n } from './i18n/context.js';
import { Workspace } from './workspace/Workspace.js';

type AuthState = { phase: 'checking' } | { phase: 'signedOut' } | { phase: 'signedIn'; user: SessionUser };

export function App() {
  const { t } = useI18n();
  const [auth, setAuth] = useState<AuthState>({ phase: 'checking' });

  useEffect(() => {
    let cancelled = false;
    currentUser().then(
      (user) => {
        if (!cancelled) setAuth({ phase: 'signedIn', user });
      },
      () => {
        // 401 (no session) or the hub is unreachable: either way the login page,
        // which reports a network problem when the user tries to sign in.
        if (!cancelled) setAuth({ phase: 'signedOut' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch {
      // The session may already be gone; the user still ends up signed out here.
    }
    setAuth({ phase: 'signedOut' });
  }, []);

  const sessionLost = useCallback(() => setAuth({ phase: 'signedOut' }), []);

  if (auth.phase === 'checking') {
    return (
      <div className="splash" aria-busy="true">
        {t('common.loading')}
      </div>
    );
  }
  if (auth.phase === 'signedOut') {
    return <LoginPage onLoggedIn={(user) => setAuth({ phase: 'signedIn', user })} />;
  }
  return <Workspace user={auth.user} onSignOut={signOut} onSessionLost={sessionLost} />;
}
