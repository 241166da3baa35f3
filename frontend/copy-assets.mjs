// Copies GOV.UK Frontend's JavaScript, fonts and images, and axe-core, into static/build
// so Django's staticfiles (and whitenoise) serve them. Run by `npm run build`.
import { cpSync, mkdirSync } from "node:fs";

const out = "static/build";
mkdirSync(out, { recursive: true });
cpSync("node_modules/govuk-frontend/dist/govuk/assets", `${out}/govuk/assets`, { recursive: true });
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk/govuk-frontend.min.js`);
