// PostGraphile 5 over the benchmark database: the Amber preset with the
// connection-filter and aggregates plugins (issue 12's peer). Started by the
// bench harness with DATABASE_URL and PORT; never part of the test suite.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgAggregatesPreset } from "@graphile/pg-aggregates";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset, PgAggregatesPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: 10 },
    }),
  ],
  grafserv: { port: Number(process.env.PORT ?? 5678), host: "127.0.0.1", graphiql: false },
  grafast: { explain: false },
  // Order, filter and group by any column, as the API allows (by default
  // PostGraphile 5 offers only indexed columns).
  disablePlugins: ["PgIndexBehaviorsPlugin"],
};

export default preset;
