// Node-RED settings of the peer flow (flows.json): what a municipality would run, with the editor
// and admin API off (the flow is fixed), logging at warn, and the `pg` package handed to function
// nodes through the global context. Everything the run varies comes from the environment:
//   PEER_PORT           HTTP port on 127.0.0.1
//   PEER_USER_DIR       Node-RED's user directory (runtime state; a temporary directory)
//   PEER_SECRET         the source's Standard Webhooks secret ("whsec_…")
//   PEER_PSEUDONYM_KEY  hex key of the HMAC-SHA256 pseudonym of the BSN
//   PGHOST PGPORT PGUSER PGDATABASE   the PostgreSQL database (read by pg itself)
//   PEER_POOL_SIZE      pg pool size (16)
const path = require("path");

module.exports = {
    uiHost: "127.0.0.1",
    uiPort: Number(process.env.PEER_PORT || 1880),
    userDir: process.env.PEER_USER_DIR,
    flowFile: path.join(__dirname, "flows.json"),
    flowFilePretty: true,
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: "/",
    disableEditor: true,
    functionExternalModules: true,
    functionGlobalContext: { pg: require("pg") },
    contextStorage: { default: { module: "memory" } },
    logging: { console: { level: "warn", metrics: false, audit: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    runtimeState: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
};
