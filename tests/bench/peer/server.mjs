// Serves PostGraphile 5 on 127.0.0.1:$PORT (POST /graphql).
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import preset from "./graphile.config.mjs";

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
serv.addTo(server).then(
  () => server.listen(preset.grafserv.port, preset.grafserv.host, () => console.log(`PostGraphile on ${preset.grafserv.port}`)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
