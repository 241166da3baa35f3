// The pages' only script, loaded as a module from base.html. Behaviour is attached here rather
// than with inline script or on*= attributes, which the Content-Security-Policy forbids (ADR 0010).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

// "Print this ..." links: the link is only shown once JavaScript runs (see .app-js-only).
for (const link of document.querySelectorAll("[data-app-print]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
}
