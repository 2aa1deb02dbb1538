// Starts the pinned NocoDB on HOST:PORT (127.0.0.1:8080 unless told otherwise).
// Everything else comes from the environment the Python side sets: NC_TOOL_DIR (where noco.db
// lives), NC_AUTH_JWT_SECRET, NC_ADMIN_EMAIL / NC_ADMIN_PASSWORD, and NC_DB for an external database.
require('./default_date_format');
const http = require('http');
const nocodbEntry = require.resolve('nocodb');
require('./batch_row_links').patchWhenLoaded(nocodbEntry);
const express = require(require.resolve('express', { paths: [nocodbEntry] }));
const { Noco } = require('nocodb');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 8080);

async function main() {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  server.on('error', (err) => {
    console.error(`NocoDB cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });
  app.use(await Noco.init({}, server, app));
  server.listen(port, host, () => console.log(`NocoDB listening on http://${host}:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
