import { randomBytes } from "node:crypto";
import { createClient, type Client as WsClient } from "graphql-ws";
import WebSocket from "ws";
import type { Clock } from "../../src/clock.js";
import { loadConfig, type Config } from "../../src/config.js";
import { buildApp, type App } from "../../src/server/app.js";
import type { Logger } from "../../src/observability/logger.js";
import { openTestDatabase } from "./database.js";
import { openDatabase } from "../../src/db/database.js";

export interface GqlResponse<T = any> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[];
}

export interface TestServer {
  app: App;
  url: string;
  wsUrl: string;
  config: Config;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResponse<T>>;
  ws(token: string | undefined, extra?: Partial<Parameters<typeof createClient>[0]>): WsClient;
  stop(): Promise<void>;
  /** Stops the app like a crash or shutdown would, keeping its database for a restarted instance. */
  stopKeepingData(): Promise<void>;
  /** Drops the database kept by stopKeepingData. */
  dropData(): Promise<void>;
}

/** Starts the real app on a random port over a fresh database; talk to it over HTTP and graphql-ws like a client. */
export async function startTestServer(
  options: {
    clock?: Clock;
    config?: Partial<Config>;
    /** Another instance's database: a restart or a second instance. */
    shareDatabaseOf?: TestServer;
    /** Capture the app's logs (default: silent under tests). */
    log?: Logger;
  } = {},
): Promise<TestServer> {
  const db = options.shareDatabaseOf ? await shareDatabase(options.shareDatabaseOf) : await openTestDatabase();
  const config = loadConfig({
    // Test files sign up many organizations from one address; rate-limit tests lower these again.
    RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
    RATE_LIMIT_EXPENSIVE_PER_MINUTE: "100000",
    // Every compiled query of every test is also run through Pothos and must match (src/compiled-reads).
    COMPILED_READS_VERIFY: "1",
    ...process.env,
    NODE_ENV: "test",
    REDIS_URL: process.env.TEST_REDIS_URL ?? "",
    // Rate-limit counters of one test deployment must not leak into another's (or a rerun's) through a shared Redis.
    REDIS_PREFIX: options.shareDatabaseOf?.config.redisPrefix ?? `crm-test-${randomBytes(4).toString("hex")}:`,
  }, {
    port: 0,
    databaseUrl: db.url,
    seedDemo: false,
    backgroundJobs: false, // tests drive schedulers by hand (and timers would skew SQL counts)
    ...options.config,
  });
  const app = await buildApp({ config, clock: options.clock, database: db.database, log: options.log });
  Object.assign(app, { testDatabaseUrl: db.url });
  const { url } = await app.start();
  const wsClients: WsClient[] = [];
  const stopApp = async () => {
    await Promise.all(wsClients.map((c) => c.dispose()));
    await app.stop();
  };
  return {
    app,
    url,
    wsUrl: url.replace("http", "ws"),
    config,
    async gql(query, variables, token) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GqlResponse;
    },
    ws(token, extra = {}) {
      const client = createClient({
        url: url.replace("http", "ws"),
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: false,
        ...extra,
      });
      wsClients.push(client);
      return client;
    },
    async stop() {
      await stopApp();
      await db.drop();
    },
    stopKeepingData: stopApp,
    dropData: () => db.drop(),
  };
}

let counter = 0;

/**
 * PGlite allows one handle per database, so a "second instance" reuses the first one's handle (a restart
 * test stops the first app, keeping the data). On PostgreSQL it opens its own pool, like a separate process.
 */
async function shareDatabase(other: TestServer) {
  const url = (other.app as App & { testDatabaseUrl: string }).testDatabaseUrl;
  if (other.app.database.kind === "pglite") return { database: other.app.database, url, drop: async () => {} };
  const database = await openDatabase(url);
  return { database, url, drop: () => database.close() };
}

/** Signs up a fresh organization and returns its admin token. */
export async function signUpOrg(server: TestServer, name = `Org ${++counter}`) {
  const email = `admin${Date.now()}${++counter}@${name.toLowerCase().replace(/\W+/g, "")}.test`;
  const result = await server.gql(
    `mutation($input: SignUpInput!) { signUp(input: $input) { __typename ... on SignUpPayload { session { token user { id } } } ... on Error { message } } }`,
    { input: { organizationName: name, name: "Admin", email, password: "correct-horse-battery" } },
  );
  const session = result.data?.signUp?.session;
  if (!session) throw new Error(`signUp failed: ${JSON.stringify(result)}`);
  return { token: session.token as string, userId: session.user.id as string, email };
}

/** Creates a user in the admin's organization and logs them in. */
export async function addUser(server: TestServer, adminToken: string, role: "ADMIN" | "HEAD_OF_SALES" | "MANAGER", name: string = role) {
  const email = `${role.toLowerCase()}${Date.now()}${++counter}@users.test`;
  const created = await server.gql(
    `mutation($input: CreateUserInput!) { createUser(input: $input) { __typename ... on CreateUserPayload { user { id } } ... on Error { message } } }`,
    { input: { name, email, password: "correct-horse-battery", role } },
    adminToken,
  );
  if (created.data?.createUser?.__typename !== "CreateUserPayload") throw new Error(JSON.stringify(created));
  const login = await server.gql(
    `mutation($input: LoginInput!) { login(input: $input) { ... on LoginPayload { session { token } } } }`,
    { input: { email, password: "correct-horse-battery" } },
  );
  return { token: login.data.login.session.token as string, userId: created.data.createUser.user.id as string };
}
