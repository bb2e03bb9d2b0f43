/** `--name=value` flags after `npm run bench --`; numbers only where a number is expected. */
export function numberFlag(args: readonly string[], name: string): number | undefined {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  const v = Number(hit.slice(name.length + 3));
  if (!Number.isFinite(v)) throw new Error(`--${name} must be a number`);
  return v;
}

export function boolFlag(args: readonly string[], name: string): boolean {
  return args.includes(`--${name}`);
}
