/**
 * npm run bench [-- name-or-group ...]
 *
 * Runs benchmarks; each prints its results as JSON lines on stdout (diagnostics on stderr). With no
 * argument every benchmark runs. A benchmark is listed by a `*.bench.ts` file in a folder of bench/
 * that exports `benchmarks: Benchmark[]` (see bench/lib/types.ts), so a new one needs no change here.
 *
 *   npm run bench -- routing            the four routing benchmarks
 *   npm run bench -- routing-erlang     one benchmark
 *   npm run bench -- --list             what there is
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { log } from './lib/out.js';
import type { Benchmark } from './lib/types.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

async function discover(): Promise<Benchmark[]> {
  const files: string[] = [];
  for (const dir of readdirSync(ROOT).sort()) {
    const full = join(ROOT, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full).sort()) if (f.endsWith('.bench.ts')) files.push(join(full, f));
  }
  const all: Benchmark[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(f).href)) as { benchmarks?: Benchmark[] };
    all.push(...(mod.benchmarks ?? []));
  }
  return all.sort((x, y) => (x.order ?? 100) - (y.order ?? 100));
}

async function main(argv: string[]): Promise<number> {
  const all = await discover();
  const flags = argv.filter((a) => a.startsWith('--'));
  const names = argv.filter((a) => !a.startsWith('--'));
  if (flags.includes('--list') || flags.includes('--help')) {
    for (const b of all) log(`${b.name.padEnd(22)} [${b.groups.join(', ')}]  ${b.summary}`);
    return 0;
  }
  let chosen: Benchmark[];
  if (names.length === 0) chosen = all;
  else {
    chosen = [];
    for (const n of names) {
      const hit = all.filter((b) => b.name === n || b.groups.includes(n));
      if (hit.length === 0) {
        log(`unknown benchmark or group "${n}"; known: ${[...new Set(all.flatMap((b) => [b.name, ...b.groups]))].join(', ')}`);
        return 2;
      }
      for (const b of hit) if (!chosen.includes(b)) chosen.push(b);
    }
  }
  let failed = 0;
  for (const b of chosen) {
    const started = performance.now();
    log(`── ${b.name}: ${b.summary}`);
    try {
      await b.run(flags);
    } catch (err) {
      failed += 1;
      log(`${b.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    log(`── ${b.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
