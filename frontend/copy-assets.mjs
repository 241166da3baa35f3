// Copies GOV.UK Frontend's JavaScript, fonts and images, and our own scripts, into static/build
// so Django's staticfiles (and whitenoise) serve them. Run by `npm run build`. (The journeys read
// axe-core straight from node_modules.)
import { cpSync, mkdirSync } from "node:fs";

const out = "static/build";
mkdirSync(out, { recursive: true });
cpSync("node_modules/govuk-frontend/dist/govuk/assets", `${out}/govuk/assets`, { recursive: true });
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk/govuk-frontend.min.js`);
// Our scripts sit beside govuk/ so app.js can import "./govuk/govuk-frontend.min.js".
cpSync("frontend/app.js", `${out}/app.js`);
cpSync("frontend/js-enabled.js", `${out}/js-enabled.js`);
cpSync("frontend/report-run.js", `${out}/report-run.js`);
cpSync("frontend/api-docs.css", `${out}/api-docs.css`);
