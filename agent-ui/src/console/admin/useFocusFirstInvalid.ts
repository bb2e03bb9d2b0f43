import { useEffect, type RefObject } from 'react';
import type { FieldErrors } from './fieldErrors.js';

/** After a failed submit, moves focus to the first field marked invalid, so keyboard and screen-reader users land on it. */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, errors: FieldErrors): void {
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    const first = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
  }, [form, errors]);
}
