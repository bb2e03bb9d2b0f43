import { useSyncExternalStore } from 'react';
import type { Phone, PhoneSnapshot } from './phone.js';

/** The phone's current state, re-rendering on every change. */
export function usePhone(phone: Phone): PhoneSnapshot {
  return useSyncExternalStore(phone.subscribe, phone.getSnapshot);
}
