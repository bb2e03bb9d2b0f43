/** A confirmation after a save, worded at render time. */
export type SavedKey = 'admin.userCreated' | 'admin.skillsSaved' | 'admin.capacitySaved' | 'admin.queueSaved';

export interface Saved {
  key: SavedKey;
  name: string;
}
