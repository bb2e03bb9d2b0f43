// Offers expire at a server time. If this machine's clock is off, a countdown
// computed from Date.now() would be wrong, so every API response's Date header
// nudges an estimate of the server clock. The header has one-second resolution,
// so offsets under two seconds are treated as noise.

let offsetMs = 0;

export function noteServerDate(header: string | null): void {
  if (!header) return;
  const server = Date.parse(header);
  if (Number.isNaN(server)) return;
  const diff = server - Date.now();
  offsetMs = Math.abs(diff) < 2000 ? 0 : diff;
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}
