// PostGraphile 5 (Amber preset) over the same database, as its own process, for the side-by-side load test.
// Run: node bench/load/peers/postgraphile-server.mjs (env DATABASE_URL, PORT); install first with
// `npm --prefix bench/load/peers ci`.
import "./node20-polyfills.mjs";
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"], poolConfig: { max: 10 } })],
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
  // Amber allows conditions and orderings only on indexed columns; the load test filters employments by endedAt.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
});
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
await pgl.getSchema();
server.listen(Number(process.env.PORT ?? 4102), "127.0.0.1", () => console.log("postgraphile listening"));
