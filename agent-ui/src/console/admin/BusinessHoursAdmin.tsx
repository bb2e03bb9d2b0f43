import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { businessState, toJalali, WEEKDAYS, type BusinessState, type Weekday } from '../../../../src/channels/voice/calendar.js';
import type { BusinessCalendarDto, BusinessCalendarsDto } from '../../../../src/channels/voice/contracts.js';
import { errorText } from '../api/errorText.js';
import { useI18n } from '../i18n/context.js';
import type { Lang } from '../i18n/strings.js';
import { serverNow } from '../util/serverClock.js';
import { useNow } from '../util/useNow.js';
import { AdminTable } from './AdminTable.js';
import { Field } from './Field.js';
import { FieldError, FormErrors, invalidProps } from './FieldError.js';
import { fromFailure, NO_ERRORS, unclaimed, type FieldErrors } from './fieldErrors.js';
import { listCalendars, saveCalendar } from './hoursApi.js';
import {
  calendarOf,
  digits,
  draftOf,
  gregorianMonthNames,
  holidayFromInput,
  holidayLabel,
  JALALI_MONTHS,
  knownTimeZones,
  newInterval,
  sortHolidays,
  weekOrder,
  type CalendarDraft,
  type HolidayInput,
  type HolidayKind,
} from './hoursDraft.js';
import { LoadStatus } from './LoadStatus.js';
import { useFocusFirstInvalid } from './useFocusFirstInvalid.js';
import './hours.css';

/** The list refreshes this often, so "open now" turns into "closed" without a reload. */
const REFRESH_MS = 60_000;

const keyOf = (c: { number: string; name: string }) => `${c.number}\u0000${c.name}`;

/**
 * A business number inside a sentence. Left-to-right isolated (LRI…PDI), so the "+" stays in front of
 * the digits in a Persian sentence; the name and the calendar are isolated the same way.
 */
const isolated = (text: string) => `\u2066${text}\u2069`;

function NumberText({ number }: { number: string }) {
  const { t } = useI18n();
  return number === 'default' ? <>{t('hours.defaultNumber')}</> : <bdi dir="ltr">{number}</bdi>;
}

function StateText({ state }: { state: BusinessState | null }) {
  const { t } = useI18n();
  const kind = state === null ? 'unknown' : state.open ? 'open' : 'closed';
  return (
    <span className={`hours-state hours-state-${kind}`} data-testid="hours-state" data-open={state?.open ?? ''} data-reason={state?.reason ?? 'unknown'}>
      {t(state === null ? 'hours.state.unknown' : `hours.state.${state.reason}`)}
    </span>
  );
}

/** Business hours: the calendars of the IVR flows, each opened in a form for its time zone, weekly hours and holidays. */
export function BusinessHoursAdmin() {
  const { t } = useI18n();
  const [data, setData] = useState<BusinessCalendarsDto | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<BusinessCalendarDto | null>(null);
  const [saved, setSaved] = useState<BusinessCalendarDto | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await listCalendars());
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const displayNumber = (number: string) => (number === 'default' ? t('hours.defaultNumber') : isolated(number));

  return (
    <section aria-labelledby="hours-title" data-testid="hours-page">
      <div className="page-header">
        <h2 id="hours-title">{t('hours.title')}</h2>
      </div>
      <p className="help hours-intro">{t('hours.intro')}</p>
      {saved !== null && (
        <p className="form-ok" role="status" data-testid="admin-saved">
          {t('hours.saved', { name: isolated(saved.name), number: displayNumber(saved.number) })}
        </p>
      )}
      {editing !== null && (
        <CalendarForm
          key={keyOf(editing)}
          row={editing}
          onCancel={() => setEditing(null)}
          onSaved={(c) => {
            setEditing(null);
            setSaved(c);
            setData((d) => (d ? { ...d, calendars: d.calendars.map((x) => (keyOf(x) === keyOf(c) ? c : x)) } : d));
            void load();
          }}
        />
      )}
      {data?.unreadable.map((u) => (
        <p key={u.number} className="inline-error" role="alert">
          {t('hours.unreadable', { number: displayNumber(u.number), message: u.message })}
        </p>
      ))}
      <LoadStatus list={data?.calendars ?? null} error={loadError} onRetry={() => void load()} empty={t('hours.none')} />
      {data !== null && data.calendars.length > 0 && (
        <AdminTable testId="hours-table" columns={[t('hours.col.number'), t('hours.col.calendar'), t('hours.col.timezone'), t('hours.col.now'), t('hours.col.usedBy')]}>
          {data.calendars.map((c) => (
            <tr key={keyOf(c)} data-testid="hours-row" data-number={c.number} data-name={c.name} className={editing && keyOf(editing) === keyOf(c) ? 'row-editing' : undefined}>
              <td>
                <NumberText number={c.number} />
                {c.flowName && (
                  <span className="chip" dir="auto">
                    {c.flowName}
                  </span>
                )}
              </td>
              <th scope="row">
                <code dir="ltr">{c.name}</code>
              </th>
              <td>
                <bdi dir="ltr">{c.calendar.timezone}</bdi>
              </td>
              <td>
                <StateText state={c.state} />
              </td>
              <td>{c.usedBy.length > 0 ? <code dir="ltr">{c.usedBy.join(', ')}</code> : <span className="muted">{t('hours.unused')}</span>}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => (setEditing(c), setSaved(null))}
                  aria-label={t('hours.editNamed', { name: c.name, number: displayNumber(c.number) })}
                  data-testid="hours-edit"
                >
                  {t('hours.edit')}
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </section>
  );
}

/** The draft's state at the hub's time by this browser's reckoning, and the time there; unknown while the zone is not one. */
function usePreview(draft: CalendarDraft, lang: Lang): { state: BusinessState | null; localTime: string | null } {
  const { t } = useI18n();
  const tick = useNow(30_000);
  return useMemo(() => {
    const at = new Date(serverNow());
    const { calendar } = calendarOf(draft, t);
    try {
      const localTime = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR' : 'en-GB', { timeZone: calendar.timezone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
      return { state: businessState(calendar, at), localTime };
    } catch {
      return { state: null, localTime: null };
    }
    // `tick` re-runs this as the clock moves.
  }, [draft, lang, t, tick]);
}

function CalendarForm({ row, onCancel, onSaved }: { row: BusinessCalendarDto; onCancel: () => void; onSaved: (c: BusinessCalendarDto) => void }) {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<CalendarDraft>(() => draftOf(row.calendar));
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [general, setGeneral] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  useFocusFirstInvalid(formRef, errors);
  const zonesId = useId();
  // The form opens above the list: bring it into view and tell screen readers where they are.
  useEffect(() => {
    titleRef.current?.focus();
  }, []);
  const zones = useMemo(knownTimeZones, []);
  const preview = usePreview(draft, lang);

  /** Drops the errors under a list whose rows moved: their indexes no longer point at the same rows. */
  const forget = (prefix: string) =>
    setErrors((e) => {
      const kept = Object.entries(e).filter(([k]) => k !== prefix && !k.startsWith(`${prefix}.`));
      return kept.length === Object.keys(e).length ? e : Object.fromEntries(kept);
    });

  const setIntervals = (day: Weekday, update: (list: CalendarDraft['weekly'][Weekday]) => CalendarDraft['weekly'][Weekday]) =>
    setDraft((d) => ({ ...d, weekly: { ...d.weekly, [day]: update(d.weekly[day]) } }));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const { calendar, errors: found } = calendarOf(draft, t);
    setGeneral(null);
    if (found) {
      setErrors(found);
      return;
    }
    setErrors(NO_ERRORS);
    setBusy(true);
    try {
      onSaved(await saveCalendar(row.number, row.name, calendar));
    } catch (err) {
      const failure = fromFailure(err);
      setErrors(failure.fields);
      setGeneral(failure.general);
      setBusy(false);
    }
  }

  // Every path a field below shows; anything else the hub reports goes to the banner.
  const claims = [
    'timezone',
    'weekly',
    ...WEEKDAYS.flatMap((day) => [`weekly.${day}`, ...draft.weekly[day].map((_, i) => `weekly.${day}.${i}`)]),
    'holidays',
    ...draft.holidays.map((_, i) => `holidays.${i}`),
    'jalaliHolidays',
    ...draft.jalaliHolidays.map((_, i) => `jalaliHolidays.${i}`),
  ].map((path) => ({ path }));
  const number = row.number === 'default' ? t('hours.defaultNumber') : isolated(row.number);

  return (
    <form ref={formRef} className="admin-form card hours-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="hours-form-title" data-testid="hours-form">
      <h3 id="hours-form-title" dir="auto" tabIndex={-1} ref={titleRef}>
        {t('hours.formTitle', { name: isolated(row.name), number })}
      </h3>
      <FormErrors general={general === null ? null : errorText(general, t)} rest={unclaimed(errors, claims)} />
      <p className="hours-preview" role="status" data-testid="hours-preview">
        <span>{t('hours.preview')}</span>
        <StateText state={preview.state} />
        {preview.localTime && <span className="muted hours-local-time">{t('hours.localTime', { time: preview.localTime })}</span>}
      </p>

      <Field label={t('hours.timezone')} help={t('hours.timezoneHelp')} error={<FieldError errors={errors} path="timezone" />} className="hours-timezone">
        <input
          type="text"
          dir="ltr"
          list={zonesId}
          autoComplete="off"
          spellCheck={false}
          value={draft.timezone}
          maxLength={64}
          onChange={(e) => setDraft((d) => ({ ...d, timezone: e.target.value }))}
          {...invalidProps(errors, 'timezone')}
          data-testid="hours-timezone"
        />
      </Field>
      <datalist id={zonesId}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>

      <fieldset data-testid="hours-weekly">
        <legend>{t('hours.weekly')}</legend>
        <p className="help">{t('hours.weeklyHelp')}</p>
        <FieldError errors={errors} path="weekly" />
        <ul className="hours-days">
          {weekOrder(lang).map((day) => {
            const dayName = t(`hours.day.${day}`);
            const list = draft.weekly[day];
            return (
              <li key={day} className="hours-day" data-testid="hours-day" data-day={day}>
                <span className="hours-day-name">{dayName}</span>
                <div className="hours-intervals">
                  {list.length === 0 && <span className="muted hours-closed">{t('hours.closedDay')}</span>}
                  {list.map((iv, i) => {
                    const path = `weekly.${day}.${i}`;
                    const edit = (field: 'start' | 'end', value: string) => setIntervals(day, (l) => l.map((x) => (x.id === iv.id ? { ...x, [field]: value } : x)));
                    return (
                      <div key={iv.id} className="hours-interval" data-testid="hours-interval">
                        <div className="hours-interval-inputs">
                          <TimeInput
                            label={t('hours.fromOf', { day: dayName, n: i + 1 })}
                            placeholder="09:00"
                            value={iv.start}
                            onChange={(v) => edit('start', v)}
                            invalid={invalidProps(errors, path)}
                            testId="hours-start"
                          />
                          <span aria-hidden="true">–</span>
                          <TimeInput
                            label={t('hours.toOf', { day: dayName, n: i + 1 })}
                            placeholder="17:00"
                            value={iv.end}
                            onChange={(v) => edit('end', v)}
                            invalid={invalidProps(errors, path)}
                            testId="hours-end"
                          />
                          <button
                            type="button"
                            className="link hours-remove"
                            aria-label={t('hours.removeIntervalOf', { day: dayName, n: i + 1 })}
                            onClick={() => {
                              setIntervals(day, (l) => l.filter((x) => x.id !== iv.id));
                              forget(`weekly.${day}`);
                            }}
                            data-testid="hours-remove-interval"
                          >
                            {t('hours.removeInterval')}
                          </button>
                        </div>
                        <FieldError errors={errors} path={path} />
                      </div>
                    );
                  })}
                  <FieldError errors={errors} path={`weekly.${day}`} />
                </div>
                <button
                  type="button"
                  className="hours-add"
                  aria-label={t('hours.addIntervalTo', { day: dayName })}
                  onClick={() => {
                    // A closed day usually opens for a working day's hours; a further interval starts empty.
                    setIntervals(day, (l) => [...l, l.length === 0 ? newInterval('09:00', '17:00') : newInterval()]);
                    forget(`weekly.${day}`);
                  }}
                  data-testid="hours-add-interval"
                >
                  {t('hours.addInterval')}
                </button>
              </li>
            );
          })}
        </ul>
      </fieldset>

      <HolidayList
        kind="gregorian"
        path="holidays"
        list={draft.holidays}
        errors={errors}
        onChange={(holidays) => {
          setDraft((d) => ({ ...d, holidays }));
          forget('holidays');
        }}
      />
      <HolidayList
        kind="jalali"
        path="jalaliHolidays"
        list={draft.jalaliHolidays}
        errors={errors}
        onChange={(jalaliHolidays) => {
          setDraft((d) => ({ ...d, jalaliHolidays }));
          forget('jalaliHolidays');
        }}
      />

      <div className="modal-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="hours-save">
          {busy ? t('hours.saving') : t('hours.save')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy} data-testid="hours-cancel">
          {t('hours.cancel')}
        </button>
      </div>
    </form>
  );
}

/** This year in the calendar, as a hint for the adder's year field. */
function currentYear(kind: HolidayKind): number {
  const now = new Date(serverNow());
  return kind === 'jalali' ? toJalali(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()).year : now.getUTCFullYear();
}

function HolidayList({ kind, path, list, errors, onChange }: { kind: HolidayKind; path: string; list: readonly string[]; errors: FieldErrors; onChange: (list: string[]) => void }) {
  const { t, lang } = useI18n();
  const [input, setInput] = useState<HolidayInput>({ month: '1', day: '', year: '' });
  const [addError, setAddError] = useState<string | null>(null);
  const months = kind === 'jalali' ? JALALI_MONTHS.map((k) => t(k)) : gregorianMonthNames(lang);
  const addPath = `${path}.new`;
  const addErrors: FieldErrors = addError === null ? NO_ERRORS : { [addPath]: [addError] };
  const legendId = useId();

  function add() {
    const result = holidayFromInput(kind, input, list, t);
    if ('error' in result) {
      setAddError(result.error);
      return;
    }
    setAddError(null);
    onChange(sortHolidays([...list, result.text]));
    setInput((i) => ({ ...i, day: '', year: '' }));
  }

  // Enter in the adder adds the holiday rather than submitting the whole form.
  const onEnter = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      add();
    }
  };

  return (
    <fieldset data-testid={`hours-holidays-${kind}`} aria-labelledby={legendId}>
      <legend id={legendId}>{kind === 'jalali' ? t('hours.jalaliHolidays') : t('hours.holidays')}</legend>
      <p className="help">{kind === 'jalali' ? t('hours.jalaliHelp') : t('hours.holidaysHelp')}</p>
      <FieldError errors={errors} path={path} />
      {list.length === 0 ? (
        <p className="muted">{t('hours.noHolidays')}</p>
      ) : (
        <ul className="hours-holidays">
          {list.map((text, i) => {
            const label = holidayLabel(kind, text, lang, t);
            return (
              <li key={text} className="hours-holiday" data-testid="hours-holiday" data-value={text}>
                <span className="hours-holiday-text" tabIndex={-1} {...invalidProps(errors, `${path}.${i}`)}>
                  {label}
                </span>
                <button type="button" className="link hours-remove" aria-label={t('hours.removeHolidayOf', { date: label })} onClick={() => onChange(list.filter((x) => x !== text))} data-testid="hours-remove-holiday">
                  {t('hours.removeHoliday')}
                </button>
                <FieldError errors={errors} path={`${path}.${i}`} />
              </li>
            );
          })}
        </ul>
      )}
      <div className="hours-adder" role="group" aria-label={kind === 'jalali' ? t('hours.addJalaliHoliday') : t('hours.addHoliday')}>
        <Field label={t('hours.dayOfMonth')} className="hours-adder-day">
          <input
            type="text"
            inputMode="numeric"
            maxLength={2}
            value={input.day}
            onChange={(e) => setInput((i) => ({ ...i, day: e.target.value }))}
            onKeyDown={onEnter}
            {...invalidProps(addErrors, addPath)}
            data-testid="hours-holiday-day"
          />
        </Field>
        <Field label={t('hours.month')} className="hours-adder-month">
          <select value={input.month} onChange={(e) => setInput((i) => ({ ...i, month: e.target.value }))} data-testid="hours-holiday-month">
            {months.map((name, i) => (
              <option key={i} value={String(i + 1)}>
                {`${digits(lang, i + 1)} · ${name}`}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('hours.year')} className="hours-adder-year">
          <input
            type="text"
            inputMode="numeric"
            maxLength={4}
            placeholder={digits(lang, currentYear(kind))}
            value={input.year}
            onChange={(e) => setInput((i) => ({ ...i, year: e.target.value }))}
            onKeyDown={onEnter}
            data-testid="hours-holiday-year"
          />
        </Field>
        <button type="button" onClick={add} data-testid="hours-holiday-add">
          {kind === 'jalali' ? t('hours.addJalaliHoliday') : t('hours.addHoliday')}
        </button>
      </div>
      <FieldError errors={addErrors} path={addPath} />
    </fieldset>
  );
}

/** One end of an opening interval, typed as HH:MM (left to right in Persian too, as the hub stores it). */
function TimeInput(props: { label: string; placeholder: string; value: string; onChange: (value: string) => void; invalid: ReturnType<typeof invalidProps>; testId: string }) {
  return (
    <input
      type="text"
      inputMode="numeric"
      dir="ltr"
      className="hours-time"
      placeholder={props.placeholder}
      maxLength={5}
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      {...props.invalid}
      data-testid={props.testId}
    />
  );
}
