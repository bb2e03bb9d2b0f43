import type { ReactNode } from 'react';

interface Props {
  label: string;
  help?: ReactNode;
  /** A <FieldError>, kept outside the <label> so the field's name stays just the label. */
  error?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A labelled form control with its help text and its errors beneath. */
export function Field({ label, help, error, className = '', children }: Props) {
  return (
    <div className={`field ${className}`}>
      <label>
        <span className="field-label">{label}</span>
        {children}
      </label>
      {help && <span className="help">{help}</span>}
      {error}
    </div>
  );
}
