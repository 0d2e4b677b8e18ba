// Applies pending migrations and exits: the separate deployment step for PostgreSQL (the app also migrates on start).
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { applyMigrations } from "../db/migrate.js";

const config = loadConfig();
const database = await openDatabase(config.databaseUrl);
try {
  const applied = await applyMigrations(database);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
} finally {
  await database.close();
}
