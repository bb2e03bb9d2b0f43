import { useEffect, useState } from 'react';
import { serverNow } from '../util/serverClock.js';

/** Milliseconds left until `deadline` (an ISO time on the hub's clock), ticking. */
export function useCountdown(deadline: string, onZero: () => void): number {
  const target = Date.parse(deadline);
  const [left, setLeft] = useState(() => Math.max(0, target - serverNow()));

  useEffect(() => {
    let fired = false;
    const tick = () => {
      const ms = Math.max(0, target - serverNow());
      setLeft(ms);
      if (ms === 0 && !fired) {
        fired = true;
        onZero();
      }
    };
    tick();
    const timer = window.setInterval(tick, 250);
    return () => window.clearInterval(timer);
  }, [target, onZero]);

  return left;
}
