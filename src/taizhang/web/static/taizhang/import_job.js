/* A background import's page (web/import_job.html): asks the job's JSON (data-status-url)
   every few seconds and shows its state and progress and, once done, what it did and the
   link to the ledger, or the message of a failure. No inline script: the
   Content-Security-Policy allows none. Without this file the page still shows the state it
   was rendered with. */
(function () {
  "use strict";

  var EVERY_MS = 1000;
  var root = document.getElementById("import-job");
  if (!root) {
    return;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function show(id, visible) {
    byId(id).hidden = !visible;
  }

  function showResult(job) {
    ["created", "updated", "unchanged", "removed"].forEach(function (name) {
      byId("import-" + name).textContent = job.counts[name];
    });
    var list = byId("import-warnings");
    list.textContent = "";
    job.warnings.forEach(function (warning) {
      var item = document.createElement("li");
      item.textContent = warning;
      list.appendChild(item);
    });
    if (job.ledger) {
      byId("import-ledger").href = job.ledger;
    }
  }

  function render(job) {
    byId("import-state").textContent = job.label;
    byId("import-state").dataset.state = job.state;
    byId("import-progress").value = job.progress;
    byId("import-percent").textContent = job.progress + "%";
    byId("import-error").textContent = job.error;
    show("import-error", Boolean(job.error));
    show("import-waiting", job.waiting_long);
    show("import-retry", job.state === "failed");
    if (job.counts) {
      showResult(job);
    }
    show("import-result", job.state === "done");
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

  var state = byId("import-state").dataset.state;
  if (state !== "done" && state !== "failed") {
    window.setTimeout(poll, EVERY_MS);
  }
})();
