// Field errors for the admin forms, keyed by the hub's own paths without the
// `body.` prefix (`serviceLevel.thresholdSeconds`, `skills.2.level`,
// `requirement.all.1.skill`). Client-side checks use the same keys, so a field
// shows its problem in one place whichever side found it.
import { ApiError } from '../api/http.js';

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export const NO_ERRORS: FieldErrors = {};

/** Path of a hub issue as the forms key it: `body.a.b` → `a.b`, `body.list[1].x` → `list.1.x`. */
export function fieldPath(serverPath: string): string {
  return serverPath.replace(/\[(\d+)\]/g, '.$1').replace(/^body\.?/, '');
}

export class ErrorCollector {
  private readonly map: Record<string, string[]> = {};

  add(path: string, message: string): void {
    (this.map[path] ??= []).push(message);
  }

  get empty(): boolean {
    return Object.keys(this.map).length === 0;
  }

  get errors(): FieldErrors {
    return this.map;
  }
}

/**
 * Splits a failed save into field errors and whatever is left for the form's
 * banner. `codeFields` names the field a detail-less error belongs to
 * (e.g. `name_taken` → `name`).
 */
export function fromFailure(err: unknown, codeFields: Readonly<Record<string, string>> = {}): { fields: FieldErrors; general: unknown } {
  if (err instanceof ApiError) {
    if (err.details.length > 0) {
      const c = new ErrorCollector();
      for (const d of err.details) c.add(fieldPath(d.path), d.message);
      return { fields: c.errors, general: null };
    }
    const field = codeFields[err.code];
    if (field) return { fields: { [field]: [err.message || err.code] }, general: null };
  }
  return { fields: NO_ERRORS, general: err };
}

export interface Issue {
  /** Below the field's own path (`all.1.skill` under `requirement`), or '' for the field itself. */
  sub: string;
  message: string;
}

/** The errors for one field; with `nested`, also those on paths below it. */
export function errorsAt(errors: FieldErrors, path: string, nested = false): Issue[] {
  const out: Issue[] = [];
  for (const [key, messages] of Object.entries(errors)) {
    let sub: string | null = null;
    if (key === path) sub = '';
    else if (nested && key.startsWith(`${path}.`)) sub = key.slice(path.length + 1);
    if (sub !== null) for (const message of messages) out.push({ sub, message });
  }
  return out;
}

/** Errors no field on the form claims; the form lists them at the top with their paths. */
export function unclaimed(errors: FieldErrors, claims: readonly { path: string; nested?: boolean }[]): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const [key, messages] of Object.entries(errors)) {
    const claimed = claims.some((c) => key === c.path || (c.nested === true && key.startsWith(`${c.path}.`)));
    if (!claimed) for (const message of messages) out.push({ path: key, message });
  }
  return out;
}

/** Persian and Arabic-Indic digits and separators → ASCII, so `۲۰` and `٢٠` read as 20. */
export function asciiDigits(text: string): string {
  return text
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[٫]/g, '.')
    .replace(/[−]/g, '-');
}

/** A number typed in a form, or null when it is not one. */
export function parseNumber(text: string): number | null {
  const s = asciiDigits(text).trim();
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
