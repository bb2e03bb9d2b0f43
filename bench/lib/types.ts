/** One benchmark: `npm run bench -- <name or group>`. It prints its result lines with `emit`. */
export interface Benchmark {
  name: string;
  /** Groups it belongs to (`npm run bench -- routing`). */
  groups: string[];
  summary: string;
  /** Run order when several are chosen (lower first; default 100). */
  order?: number;
  run(args: string[]): Promise<void>;
}
