import { useState, type FormEvent } from 'react';
import { login, type SessionUser } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { LangSwitch } from '../i18n/LangSwitch.js';

interface Props {
  /** The previous session ended on its own (expired, revoked): say so, and that drafts are kept. */
  expired?: boolean;
  onLoggedIn: (user: SessionUser) => void;
}

export function LoginPage({ expired = false, onLoggedIn }: Props) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const user = await login(email.trim(), password);
      onLoggedIn(user);
    } catch (err) {
      setError(errorText(err, t));
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <div className="login-lang">
        <LangSwitch />
      </div>
      <form className="login-card" onSubmit={submit} noValidate>
        <h1 className="brand">{t('app.title')}</h1>
        <h2>{t('login.title')}</h2>
        {expired && error === null && (
          <p className="form-note" role="status" data-testid="login-expired">
            {t('login.expired')}
          </p>
        )}
        <label className="field">
          <span>{t('login.email')}</span>
          <input
            type="email"
            name="email"
            dir="ltr"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="login-email"
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            type="password"
            name="password"
            dir="ltr"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </label>
        {error !== null && (
          <p className="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
