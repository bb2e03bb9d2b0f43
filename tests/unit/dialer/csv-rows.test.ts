// Contact-list lines → contacts and a per-line report: every good row is kept, every bad row is
// reported with its physical line number, and one broken line never spoils its neighbours.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberedLines, parseHeader, parseRow, RowSorter } from '../../../src/dialer/campaigns/csv-rows.js';
import type { ImportRowProblem } from '../../../src/dialer/campaigns/schema.js';

async function sortAll(text: string, region: 'US' | 'GB' = 'US') {
  const sorter = new RowSorter(region);
  const contacts = [];
  const problems: ImportRowProblem[] = [];
  for await (const [line, no] of numberedLines([text])) {
    const out = sorter.push(line, no);
    if (out?.kind === 'contact') contacts.push(out.contact);
    if (out?.kind === 'problem') problems.push(out.problem);
  }
  return { contacts, problems, sorter };
}

describe('contact list rows', () => {
  it('reads the header: phone required, names folded, extra columns kept as fields', () => {
    expect(parseHeader('Phone,Name,TimeZone,Plan')).toMatchObject({ columns: ['phone', 'name', 'timezone', 'plan'], phone: 0, name: 1, timezone: 2 });
    expect(parseHeader('name,email')).toEqual({ error: 'line 1: the header has no "phone" column' });
    expect(parseHeader('phone,name,Name')).toEqual({ error: 'line 1: the column "name" appears twice' });
    const header = parseHeader('\uFEFFphone,name,plan') as Exclude<ReturnType<typeof parseHeader>, { error: string }>;
    expect(parseRow('(202) 555-0123,"Doe, Jane",gold', 2, header, 'US')).toEqual({
      kind: 'contact',
      contact: { line: 2, phone: '+12025550123', name: 'Doe, Jane', timeZones: ['America/New_York'], fields: { plan: 'gold' } },
    });
  });

  it('normalises with the default region, resolves zones, and reports each kind of bad row by line', async () => {
    const text = [
      'phone,name,timezone',
      '020 7946 0000,Alice,', // 2: UK number in national form
      '+12025550123,Bob,America/Chicago', // 3: explicit zone wins
      '12345,Carol,', // 4: invalid
      '+12025550123,Bob again,', // 5: duplicate of 3
      '"+12125550199,Dan', // 6: unbalanced quote
      '+12125550198,Eve,', // 7: fine, despite line 6
      ',Nobody,', // 8: no phone
      '+12125550197,Fay,Mars/Olympus', // 9: bad zone
      '', // 10: blank
      '+12125550196,Gus,,extra', // 11: more cells than columns
      '۰۲۰ ۷۹۴۶ ۰۰۰۱,Persian digits,', // 12
    ].join('\r\n');
    const { contacts, problems, sorter } = await sortAll(text, 'GB');
    expect(contacts.map((c) => [c.line, c.phone, c.timeZones])).toEqual([
      [2, '+442079460000', ['Europe/London']],
      [3, '+12025550123', ['America/Chicago']],
      [7, '+12125550198', ['America/New_York']],
      [12, '+442079460001', ['Europe/London']],
    ]);
    expect(problems.map((p) => [p.line, p.reason])).toEqual([
      [4, 'invalid-number'],
      [5, 'duplicate'],
      [6, 'malformed-row'],
      [8, 'missing-phone'],
      [9, 'invalid-time-zone'],
      [11, 'malformed-row'],
    ]);
    expect(problems.find((p) => p.line === 5)?.value).toBe('+12025550123 (as line 3)');
    expect(sorter.total).toBe(10);
  });

  it('splits lines across chunk boundaries, \\r\\n included', async () => {
    const out: [string, number][] = [];
    for await (const l of numberedLines(['a,b\r', '\nc', ',d\n\ne\r', 'f'])) out.push(l);
    expect(out).toEqual([
      ['a,b', 1],
      ['c,d', 2],
      ['', 3],
      ['e', 4],
      ['f', 5],
    ]);
  });

  it('property: good rows always import and bad rows are all reported by line, in any mix and any chunking', async () => {
    const good = fc.record({ kind: fc.constant('good' as const), n: fc.integer({ min: 0, max: 9999 }), name: fc.string({ maxLength: 12 }).filter((s) => !/["\r\n]/.test(s)) });
    const bad = fc.record({
      kind: fc.constant('bad' as const),
      reason: fc.constantFrom('invalid-number', 'malformed-row', 'invalid-time-zone', 'missing-phone') as fc.Arbitrary<ImportRowProblem['reason']>,
      n: fc.integer({ min: 0, max: 9999 }),
    });
    const blank = fc.constant({ kind: 'blank' as const });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ arbitrary: good, weight: 3 }, { arbitrary: bad, weight: 2 }, { arbitrary: blank, weight: 1 }), { maxLength: 60 }), fc.integer({ min: 1, max: 50 }), async (rows, chunkSize) => {
        const lines = ['phone,name,timezone'];
        const wantContacts: number[] = [];
        const wantProblems: [number, string][] = [];
        const used = new Set<number>();
        rows.forEach((row, i) => {
          const line = i + 2;
          if (row.kind === 'blank') return void lines.push('');
          const phone = `+1212555${String(row.n).padStart(4, '0')}`;
          if (row.kind === 'good') {
            // A number seen before is a duplicate, reported like any bad row.
            if (used.has(row.n)) wantProblems.push([line, 'duplicate']);
            else wantContacts.push(line);
            used.add(row.n);
            lines.push(`${phone},"${row.name}",`);
            return;
          }
          wantProblems.push([line, row.reason]);
          if (row.reason === 'invalid-number') lines.push(`555${row.n},x,`);
          if (row.reason === 'malformed-row') lines.push(`"${phone},x`);
          if (row.reason === 'invalid-time-zone') lines.push(`${phone},x,Not/AZone`);
          if (row.reason === 'missing-phone') lines.push(` ,x,`);
        });
        const text = lines.join('\n');
        const chunks = Array.from({ length: Math.ceil(text.length / chunkSize) }, (_, i) => text.slice(i * chunkSize, (i + 1) * chunkSize));
        const sorter = new RowSorter('US');
        const contacts: number[] = [];
        const problems: [number, string][] = [];
        for await (const [line, no] of numberedLines(chunks)) {
          const out = sorter.push(line, no);
          if (out?.kind === 'contact') contacts.push(out.contact.line);
          if (out?.kind === 'problem') problems.push([out.problem.line, out.problem.reason]);
        }
        expect(contacts).toEqual(wantContacts);
        expect(problems).toEqual(wantProblems);
      }),
      { numRuns: 150 },
    );
  });
});
