/* A background export's page (web/export_job.html): asks the job's JSON (data-status-url)
   every few seconds and shows its state, progress and, once done, the download link, until
   the job is done or has failed. No inline script: the Content-Security-Policy allows none.
   Without this file the page still shows the state it was rendered with. */
(function () {
  "use strict";

  var EVERY_MS = 1500;
  var root = document.getElementById("export-job");
  if (!root) {
    return;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function show(id, visible) {
    byId(id).hidden = !visible;
  }

  function render(job) {
    byId("export-state").textContent = job.label;
    byId("export-progress").value = job.progress;
    byId("export-percent").textContent = job.progress + "%";
    byId("export-error").textContent = job.error;
    show("export-error", Boolean(job.error));
    show("export-waiting", job.waiting_long);
    show("export-retry", job.state === "failed");
    if (job.download) {
      byId("export-link").href = job.download;
      byId("export-filename").textContent = job.filename;
    }
    show("export-download", Boolean(job.download));
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (job) {
        render(job);
        if (job.state === "queued" || job.state === "running") {
          window.setTimeout(poll, EVERY_MS);
        }
      })
      .catch(function () {
        // A failed request (the server restarting): ask again, less often.
        window.setTimeout(poll, EVERY_MS * 4);
      });
  }

  var state = byId("export-state").dataset.state;
  if (state !== "done" && state !== "failed") {
    window.setTimeout(poll, EVERY_MS);
  }
})();
