/** Tables owned by the voice channel (migrations/0007_*.sql). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface VoiceTables {}
