import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Role } from '../../../../src/contracts/index.js';
import { createUser, listUsers, setAgentCapacity, setUserSkills, type UserRow } from '../api/endpoints.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import { AdminTable } from './AdminTable.js';
import type { Saved, SavedKey } from './saved.js';
import { Field } from './Field.js';
import { FieldError, FormErrors, invalidProps } from './FieldError.js';
import { ErrorCollector, fromFailure, NO_ERRORS, parseNumber, unclaimed, type FieldErrors } from './fieldErrors.js';
import { readSkills, rowsOf, SkillsEditor, type SkillRow } from './SkillsEditor.js';
import { useFocusFirstInvalid } from './useFocusFirstInvalid.js';

const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

/** Users: the list, a form for a new user, and an editor for one user's skills and capacity. */
export function UsersAdmin() {
  const { t, number } = useI18n();
  const [users, setUsers] = useState<UserRow[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  // Kept as a key and its name, so switching language rewords it.
  const [saved, setSaved] = useState<Saved | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers(await listUsers());
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const editingUser = users?.find((u) => u.id === editing) ?? null;

  return (
    <section aria-labelledby="users-title" data-testid="users-admin">
      <div className="page-header">
        <h2 id="users-title">{t('admin.users')}</h2>
        {!creating && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setCreating(true);
              setEditing(null);
              setSaved(null);
            }}
            data-testid="user-new"
          >
            {t('admin.newUser')}
          </button>
        )}
      </div>
      {saved && (
        <p className="form-ok" role="status" data-testid="admin-saved">
          {t(saved.key, { name: saved.name })}
        </p>
      )}
      {creating && (
        <UserCreateForm
          onCancel={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            setSaved({ key: 'admin.userCreated', name });
            void load();
          }}
        />
      )}
      {editingUser && (
        <UserEditPanel
          key={editingUser.id}
          user={editingUser}
          onClose={() => setEditing(null)}
          onSaved={(key) => {
            setSaved({ key, name: editingUser.name });
            void load();
          }}
        />
      )}
      {loadError !== null && (
        <div className="inline-error" role="alert">
          {t('admin.loadFailed', { message: errorText(loadError, t) })}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </div>
      )}
      {users === null && loadError === null && <p className="muted">{t('common.loading')}</p>}
      {users && (
        <AdminTable testId="users-table" columns={[t('admin.name'), t('admin.email'), t('admin.role'), t('admin.capacity'), t('admin.skills')]}>
          {users.map((u) => (
            <tr key={u.id} data-testid="user-row" data-user-email={u.email} className={u.disabled ? 'row-idle' : undefined}>
              <th scope="row">
                <bdi>{u.name}</bdi>
                {u.disabled && <span className="chip">{t('admin.disabled')}</span>}
              </th>
              <td>
                <bdi dir="ltr">{u.email}</bdi>
              </td>
              <td>{t(`role.${u.role}`)}</td>
              <td className="num" data-testid="user-capacity">
                {u.capacity === null ? t('sup.none') : number(u.capacity)}
              </td>
              <td>
                {u.skills.length === 0 ? (
                  <span className="muted">{t('sup.none')}</span>
                ) : (
                  <span className="chips">
                    {u.skills.map((s) => (
                      <span key={s.skill} className="chip" dir="ltr">
                        {s.skill} <b>{number(s.level)}</b>
                      </span>
                    ))}
                  </span>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setEditing(u.id);
                    setCreating(false);
                    setSaved(null);
                  }}
                  aria-label={t('admin.editNamed', { name: u.name })}
                  data-testid="user-edit"
                >
                  {t('admin.edit')}
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}

function UserCreateForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (name: string) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [capacity, setCapacity] = useState('');
  const [skills, setSkills] = useState<SkillRow[]>([]);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, errors);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const c = new ErrorCollector();
    if (!email.trim()) c.add('email', t('form.required'));
    else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) c.add('email', t('form.email'));
    if (!name.trim()) c.add('name', t('form.required'));
    if (password.length < 10) c.add('password', t('form.passwordLength', { min: 10 }));
    let cap: number | undefined;
    if (capacity.trim()) {
      const n = parseNumber(capacity);
      if (n === null || !Number.isInteger(n) || n < 1 || n > 1000) c.add('capacity', t('form.integer', { min: 1, max: 1000 }));
      else cap = n;
    }
    const skillList = readSkills(skills, c, t);
    setGeneral(null);
    if (!c.empty) {
      setErrors(c.errors);
      return;
    }
    setErrors(NO_ERRORS);
    setBusy(true);
    try {
      await createUser({ email: email.trim(), name: name.trim(), password, role, skills: skillList, ...(cap === undefined ? {} : { capacity: cap }) });
      onCreated(name.trim());
    } catch (err) {
      const f = fromFailure(err, { email_taken: 'email' });
      setErrors(f.fields);
      setGeneral(f.general);
    } finally {
      setBusy(false);
    }
  }

  const claims = [{ path: 'email' }, { path: 'name' }, { path: 'password' }, { path: 'role' }, { path: 'capacity' }, { path: 'skills', nested: true }];
  return (
    <form ref={formRef} className="admin-form card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="new-user-title" data-testid="user-form">
      <h3 id="new-user-title">{t('admin.newUser')}</h3>
      <FormErrors general={general === null ? null : errorText(general, t)} rest={unclaimed(errors, claims)} />
      <div className="form-grid">
        <Field label={t('admin.email')} error={<FieldError errors={errors} path="email" />}>
          <input type="email" dir="ltr" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="user-email" {...invalidProps(errors, 'email')} />
        </Field>
        <Field label={t('admin.name')} error={<FieldError errors={errors} path="name" />}>
          <input dir="auto" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} data-testid="user-name" {...invalidProps(errors, 'name')} />
        </Field>
        <Field label={t('admin.password')} help={t('admin.passwordHelp', { min: 10 })} error={<FieldError errors={errors} path="password" />}>
          <input type="password" dir="ltr" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="user-password" {...invalidProps(errors, 'password')} />
        </Field>
        <Field label={t('admin.role')} error={<FieldError errors={errors} path="role" />}>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role" {...invalidProps(errors, 'role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('admin.capacity')} help={t('admin.capacityHelp')} error={<FieldError errors={errors} path="capacity" />}>
          <input dir="ltr" inputMode="numeric" placeholder="100" value={capacity} onChange={(e) => setCapacity(e.target.value)} data-testid="user-capacity-input" {...invalidProps(errors, 'capacity')} />
        </Field>
      </div>
      <SkillsEditor rows={skills} errors={errors} onChange={setSkills} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="user-save">
          {busy ? t('admin.saving') : t('admin.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function UserEditPanel({ user, onClose, onSaved }: { user: UserRow; onClose: () => void; onSaved: (key: SavedKey) => void }) {
  const { t } = useI18n();
  const [skills, setSkills] = useState<SkillRow[]>(() => rowsOf(user.skills));
  const [skillErrors, setSkillErrors] = useState<FieldErrors>(NO_ERRORS);
  const [skillGeneral, setSkillGeneral] = useState<unknown>(null);
  const [capacity, setCapacity] = useState(user.capacity === null ? '' : String(user.capacity));
  const [capErrors, setCapErrors] = useState<FieldErrors>(NO_ERRORS);
  const [capGeneral, setCapGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState<'skills' | 'capacity' | null>(null);
  const skillsRef = useRef<HTMLFormElement>(null);
  const capRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(skillsRef, skillErrors);
  useFocusFirstInvalid(capRef, capErrors);

  async function saveSkills(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const c = new ErrorCollector();
    const list = readSkills(skills, c, t);
    setSkillGeneral(null);
    setSkillErrors(c.errors);
    if (!c.empty) return;
    setBusy('skills');
    try {
      await setUserSkills(user.id, list);
      onSaved('admin.skillsSaved');
    } catch (err) {
      const f = fromFailure(err);
      setSkillErrors(f.fields);
      setSkillGeneral(f.general);
    } finally {
      setBusy(null);
    }
  }

  async function saveCapacity(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const n = parseNumber(capacity);
    setCapGeneral(null);
    if (n === null || !Number.isInteger(n) || n < 1 || n > 1000) {
      setCapErrors({ capacity: [t('form.integer', { min: 1, max: 1000 })] });
      return;
    }
    setCapErrors(NO_ERRORS);
    setBusy('capacity');
    try {
      await setAgentCapacity(user.id, n);
      onSaved('admin.capacitySaved');
    } catch (err) {
      const f = fromFailure(err, { capacity_in_use: 'capacity', not_found: 'capacity' });
      setCapErrors(f.fields);
      setCapGeneral(f.general);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="card edit-panel" data-testid="user-edit-panel" aria-labelledby="edit-user-title" role="region">
      <div className="page-header">
        <h3 id="edit-user-title">
          {t('admin.editUser', { name: user.name })}
        </h3>
        <button type="button" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <form ref={capRef} className="admin-form inline-form" onSubmit={(e) => void saveCapacity(e)} noValidate data-testid="capacity-form">
        <FormErrors general={capGeneral === null ? null : errorText(capGeneral, t)} rest={unclaimed(capErrors, [{ path: 'capacity' }])} />
        <Field label={t('admin.capacity')} help={t('admin.capacityHelp')} error={<FieldError errors={capErrors} path="capacity" />}>
          <input dir="ltr" inputMode="numeric" value={capacity} onChange={(e) => setCapacity(e.target.value)} data-testid="capacity-input" {...invalidProps(capErrors, 'capacity')} />
        </Field>
        <button type="submit" disabled={busy !== null} data-testid="capacity-save">
          {busy === 'capacity' ? t('admin.saving') : t('admin.saveCapacity')}
        </button>
      </form>
      <form ref={skillsRef} className="admin-form" onSubmit={(e) => void saveSkills(e)} noValidate data-testid="skills-form">
        <FormErrors general={skillGeneral === null ? null : errorText(skillGeneral, t)} rest={unclaimed(skillErrors, [{ path: 'skills', nested: true }])} />
        <SkillsEditor rows={skills} errors={skillErrors} onChange={setSkills} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy !== null} data-testid="skills-save">
            {busy === 'skills' ? t('admin.saving') : t('admin.saveSkills')}
          </button>
        </div>
      </form>
    </div>
  );
}
