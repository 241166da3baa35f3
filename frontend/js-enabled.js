// GOV.UK Frontend's "js-enabled" marker. It is a file rather than the usual inline snippet so the
// Content-Security-Policy can forbid inline script outright (ADR 0010). It is loaded without
// defer or async as the first thing in <body>, so the class is there before anything is painted.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
