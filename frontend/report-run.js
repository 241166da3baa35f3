// A background report's page (reporting/booklet_run.html): asks for the run's status every two
// seconds and updates the page's aria-live region, so a screen reader hears the progress and the
// link appears when the file is ready. Without JavaScript the page's "Check progress" link does
// the same. A file, not inline script: the Content-Security-Policy forbids inline script.
const region = document.querySelector("[data-app-report-run]");

if (region && !region.hasAttribute("data-app-finished")) {
  const message = region.querySelector("[data-app-run-message]");
  const bar = region.querySelector("[data-app-run-bar]");
  const linkHolder = region.querySelector("[data-app-run-link]");
  const check = document.querySelector("[data-app-run-check]");
  let shown = message.textContent;

  const poll = async () => {
    let run;
    try {
      const response = await fetch(region.dataset.appReportRun, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return; // try again next time; the link still works
      run = await response.json();
    } catch {
      return;
    }
    if (run.message !== shown) {
      message.textContent = run.message;
      shown = run.message;
    }
    if (bar) {
      bar.max = run.total || 1;
      bar.value = run.done;
    }
    if (run.finished) {
      clearInterval(timer);
      if (bar) bar.remove();
      if (check) check.remove();
      if (run.link) {
        const link = document.createElement("a");
        link.className = "govuk-link";
        link.href = run.link.url;
        link.textContent = run.link.text;
        linkHolder.replaceChildren(link);
      }
    }
  };
  const timer = setInterval(poll, 2000);
}
