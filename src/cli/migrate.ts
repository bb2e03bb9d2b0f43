import { loadConfig } from '../config.js';
import { createDb, ensureDatabase } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';

const config = loadConfig();
await ensureDatabase(config.databaseUrl);
const { db } = createDb(config.databaseUrl, 1);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.destroy();
}
