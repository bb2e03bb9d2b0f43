/** Tables owned by the email channel (migrations/0004_*.sql). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EmailTables {}
