// npm run routing:replay -- --config <file> (--arrivals <file> | --generate '<json>') [--json]
//
// Replays recorded (or generated) arrivals against a routing configuration with the real engine in
// a deterministic simulation, and prints SL, ASA, abandon rate and occupancy: a supervisor can try a
// change before it goes live. Prints a table, then one JSON line with the summary (last line).
// Exit codes: 0 done, 1 invalid input (the message names the field), 2 bad usage.
//
//   --config    JSON: {queues: QueueConfig[], agents: [{id, skills, capacity?, shift?}], costs?, simulation?}
//   --arrivals  JSON: [{at, queueId, channel, handleSeconds, customerId?, patienceSeconds?}] (at: seconds or ISO)
//   --generate  JSON: {hours?, rate? | rates?: {queueId: perHour}, handleSeconds?, customers?, seed?}
//   --json      print only the JSON line
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ReplayInputError, formatReport, generateFor, parseArrivals, parseConfig, runReplay } from '../routing/sim/replay.js';

const USAGE = `usage: npm run routing:replay -- --config <file> (--arrivals <file> | --generate '{"rate": 120, "hours": 8}') [--json]`;

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ReplayInputError([{ path: what, message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ReplayInputError([{ path: what, message: `${path} is not valid JSON: ${(err as Error).message}` }]);
  }
}

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, arrivals: { type: 'string' }, generate: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.config || (!args.arrivals && !args.generate) || (args.arrivals && args.generate)) {
    console.error(USAGE);
    return 2;
  }
  try {
    const config = parseConfig(readJson(args.config, 'config'));
    for (const w of config.warnings) console.error(`warning: ${w.path}: ${w.message}`);
    let arrivals;
    if (args.arrivals) arrivals = parseArrivals(readJson(args.arrivals, 'arrivals'), config);
    else {
      let spec: unknown;
      try {
        spec = JSON.parse(args.generate!) as unknown;
      } catch (err) {
        throw new ReplayInputError([{ path: 'generate', message: `not valid JSON: ${(err as Error).message}` }]);
      }
      arrivals = generateFor(spec, config);
    }
    const started = performance.now();
    const result = runReplay(config, arrivals);
    const { table, summary } = formatReport(result, config);
    if (!args.json) {
      console.log(table);
      console.log(`(${arrivals.length} arrivals, ${config.agents.length} agents, ${(result.simulatedSeconds / 3600).toFixed(2)} simulated hours in ${((performance.now() - started) / 1000).toFixed(2)} s)`);
    }
    console.log(JSON.stringify(summary));
    return 0;
  } catch (err) {
    if (err instanceof ReplayInputError) {
      console.error('invalid input:');
      for (const i of err.issues) console.error(`  ${i.path}: ${i.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main(process.argv.slice(2));
