/**
 * From the lines of a contact-list CSV to contacts and a per-line report. Pure: the importer
 * (import.ts) feeds it lines and does the database work (do-not-call, numbers already in the
 * campaign, customers) around it.
 *
 * One physical line is one record. A contact list has no use for values spanning lines, and treating
 * a line as the unit means an unbalanced quote spoils that line only: with standard CSV quoting it
 * would swallow every line after it up to the next quote, silently. So each line goes to csv-parse on
 * its own, and what csv-parse refuses is reported as a `malformed-row` with the line's number.
 *
 * Line numbers are the file's physical lines: the header is line 1, blank lines count but are skipped.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { normalizeDigits } from '../../domain/identity.js';
import { resolveTimeZones } from '../rules/timezones.js';
import type { ImportRowProblem } from './schema.js';

export interface Header {
  columns: string[];
  phone: number;
  name: number | null;
  timezone: number | null;
}

export interface ParsedContact {
  line: number;
  phone: string;
  name: string | null;
  timeZones: string[];
  fields: Record<string, string>;
}

export type RowOutcome = { kind: 'contact'; contact: ParsedContact } | { kind: 'problem'; problem: ImportRowProblem } | { kind: 'blank' };

const MAX_VALUE_IN_REPORT = 200;
const clip = (s: string) => (s.length > MAX_VALUE_IN_REPORT ? `${s.slice(0, MAX_VALUE_IN_REPORT)}…` : s);

/** The fields of one CSV line, or null when csv-parse refuses it (unbalanced or stray quotes). */
export function splitCsvLine(line: string): string[] | null {
  // Without quotes a line is its commas: the common case, about ten times cheaper than a parser per line.
  if (!line.includes('"')) return line === '' ? [] : line.split(',');
  try {
    const rows = parseCsv(line, { relax_column_count: true, skip_empty_lines: false }) as string[][];
    return rows.length === 1 ? rows[0]! : rows.length === 0 ? [] : null;
  } catch {
    return null;
  }
}

const PHONE_NAMES = new Set(['phone', 'phone_number', 'phonenumber', 'number', 'mobile']);
const TZ_NAMES = new Set(['timezone', 'time_zone', 'tz']);

/** The header line: names are trimmed and lower-cased; `phone` is required, names must be unique. */
export function parseHeader(line: string): Header | { error: string } {
  const cells = splitCsvLine(line.replace(/^\uFEFF/, ''));
  if (!cells || cells.length === 0) return { error: 'line 1: the header row could not be read' };
  const columns = cells.map((c) => c.trim().toLowerCase());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') return { error: 'line 1: a column has no name' };
    if (seen.has(c)) return { error: `line 1: the column "${c}" appears twice` };
    seen.add(c);
  }
  const phone = columns.findIndex((c) => PHONE_NAMES.has(c));
  if (phone < 0) return { error: 'line 1: the header has no "phone" column' };
  const name = columns.indexOf('name');
  const timezone = columns.findIndex((c) => TZ_NAMES.has(c));
  return { columns, phone, name: name < 0 ? null : name, timezone: timezone < 0 ? null : timezone };
}

/** A typed number in E.164, or null. Persian/Arabic digits and the usual punctuation are accepted. */
export function normaliseNumber(raw: string, defaultRegion: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(normalizeDigits(raw).trim(), defaultRegion);
  return parsed?.isValid() ? parsed.number : null;
}

/** One data line: a contact, or the reason it is not one. Duplicates are the caller's business (`RowSorter`). */
export function parseRow(line: string, lineNo: number, header: Header, defaultRegion: CountryCode): RowOutcome {
  if (line.trim() === '') return { kind: 'blank' };
  const cells = splitCsvLine(line);
  if (!cells || cells.length > header.columns.length) return { kind: 'problem', problem: { line: lineNo, reason: 'malformed-row', value: clip(line) } };
  const cell = (i: number | null) => (i === null ? '' : (cells[i] ?? '').trim());
  const rawPhone = cell(header.phone);
  if (rawPhone === '') return { kind: 'problem', problem: { line: lineNo, reason: 'missing-phone' } };
  const phone = normaliseNumber(rawPhone, defaultRegion);
  if (!phone) return { kind: 'problem', problem: { line: lineNo, reason: 'invalid-number', value: clip(rawPhone) } };
  const explicitZone = cell(header.timezone);
  const zones = resolveTimeZones(phone, explicitZone === '' ? undefined : explicitZone);
  if (zones.problem === 'invalid-time-zone') return { kind: 'problem', problem: { line: lineNo, reason: 'invalid-time-zone', value: clip(explicitZone) } };
  const fields: Record<string, string> = {};
  header.columns.forEach((column, i) => {
    if (i === header.phone || i === header.name || i === header.timezone) return;
    const v = cell(i);
    if (v !== '') fields[column] = v;
  });
  const name = cell(header.name);
  return { kind: 'contact', contact: { line: lineNo, phone, name: name === '' ? null : name, timeZones: [...zones.zones], fields } };
}

/**
 * Feeds lines in file order and sorts them: the header first, then contacts, problems, and numbers seen
 * earlier in the same file (`duplicate`, naming the line that kept the number).
 */
export class RowSorter {
  private header: Header | null = null;
  private readonly seen = new Map<string, number>();
  headerError: string | null = null;
  /** Data lines that were not blank. */
  total = 0;

  constructor(private readonly defaultRegion: CountryCode) {}

  /** Null for the header line and blank lines. */
  push(line: string, lineNo: number): Exclude<RowOutcome, { kind: 'blank' }> | null {
    if (this.header === null) {
      const header = parseHeader(line);
      if ('error' in header) {
        this.headerError = header.error;
        return null;
      }
      this.header = header;
      return null;
    }
    const outcome = parseRow(line, lineNo, this.header, this.defaultRegion);
    if (outcome.kind === 'blank') return null;
    this.total += 1;
    if (outcome.kind === 'contact') {
      const first = this.seen.get(outcome.contact.phone);
      if (first !== undefined) return { kind: 'problem', problem: { line: lineNo, reason: 'duplicate', value: `${outcome.contact.phone} (as line ${first})` } };
      this.seen.set(outcome.contact.phone, lineNo);
    }
    return outcome;
  }

  get headerRead(): boolean {
    return this.header !== null;
  }
}

/** Splits text arriving in chunks into physical lines (\n, \r\n or a lone \r), numbered from 1. */
export async function* numberedLines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<[string, number]> {
  let rest = '';
  let lineNo = 0;
  let pendingCr = false;
  for await (const chunk of chunks) {
    let text = rest + chunk;
    if (pendingCr && text.startsWith('\n')) text = text.slice(1);
    pendingCr = false;
    let from = 0;
    const breaks = /\r\n|\n|\r/g;
    for (let m = breaks.exec(text); m !== null; m = breaks.exec(text)) {
      // A \r at the very end of a chunk may be the first half of \r\n.
      if (m[0] === '\r' && m.index === text.length - 1) pendingCr = true;
      yield [text.slice(from, m.index), (lineNo += 1)];
      from = m.index + m[0].length;
    }
    rest = text.slice(from);
  }
  if (rest !== '') yield [rest, lineNo + 1];
}

/** Region for numbers typed without a country code: the import's option, else the rule set's country. */
export function defaultRegionFor(ruleSet: 'US' | 'UK', option?: string): CountryCode {
  if (option) return option.toUpperCase() as CountryCode;
  return ruleSet === 'US' ? 'US' : 'GB';
}
