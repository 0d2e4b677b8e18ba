// Applies pending migrations and exits: the separate deployment step for PostgreSQL (the app also migrates on start).
import { ConfigError, loadConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { applyMigrations } from "../db/migrate.js";
import { StartupError } from "../startup-error.js";

try {
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl);
  try {
    const applied = await applyMigrations(database, { onMigration: (name, index, total) => console.log(`applying ${index}/${total}: ${name}`) });
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
  } finally {
    await database.close();
  }
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof StartupError)) throw error;
  console.error(`Cannot migrate: ${error.message}`);
  process.exit(1);
}
