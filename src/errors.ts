/** An error whose message is safe to show to the caller; carries the HTTP status and a stable code. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (why = 'not allowed') => new AppError(403, 'forbidden', why);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
