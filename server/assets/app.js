// Starts GOV.UK Frontend's components on the WSoA ledger's pages (the error summary moving
// focus and linking to fields, the notification banner, the service navigation's menu on a
// narrow screen, the skip link, radios, buttons). Every page works without it.
//
// The server serves this file with the import's address given its `?v=` (server/src/web/assets.rs).
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();
