/** Tables owned by the SMS channel (migrations/0003_*.sql). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SmsTables {}
