// PostGraphile v5 over the bench's PostgreSQL database: the server a PostgreSQL user would
// pick instead of CaseLink (issue 13). Each request acts as one agency through row-level
// security (rls.sql): the agency's id comes in the `x-caselink-agency` header and becomes
// the transaction's `caselink.agency_id` setting, under the role `caselink_peer`.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

const port = Number(process.env.PEER_PORT ?? 5678);

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // The same pool size as CaseLink's server in the bench (`--pool`).
      poolConfig: { max: Number(process.env.PEER_POOL ?? 16) },
    }),
  ],
  grafserv: { host: "127.0.0.1", port, graphiql: false, watch: false },
  grafast: {
    explain: false,
    context(requestContext) {
      const req = requestContext.node?.req;
      const agency = req?.headers["x-caselink-agency"];
      return {
        pgSettings: {
          role: "caselink_peer",
          "caselink.agency_id": typeof agency === "string" ? agency : "00000000-0000-0000-0000-000000000000",
        },
      };
    },
  },
};

export default preset;
