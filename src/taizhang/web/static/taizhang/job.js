/* A background job's page (web/import_job.html, web/export_job.html): asks the job's JSON
   (data-job-status-url, web/jobs.py) every data-job-every-ms milliseconds and shows it, until
   the job is done or has failed. The page says where each value goes, so this one script
   serves every kind of job:
     data-job-text="label"          the text is the JSON's value ("counts.created": nested),
                                    followed by data-job-suffix if given;
     data-job-value="progress"      a <progress>'s value;
     data-job-href="download"       a link's address, once the JSON has one;
     data-job-items="warnings"      a list's items, one per string;
     data-job-show="done"           shown only while the job is done (or "failed", "waiting":
                                    queued long, "error": a message to show);
   and the root's data-job-state holds the job's state. No inline script: the
   Content-Security-Policy allows none. Without this file the page still shows the state it
   was rendered with. */
(function () {
  "use strict";

  var root = document.querySelector("[data-job-status-url]");
  if (!root) {
    return;
  }
  var EVERY_MS = Number(root.dataset.jobEveryMs) || 1500;
  var SHOWN = {
    done: function (job) { return job.state === "done"; },
    failed: function (job) { return job.state === "failed"; },
    waiting: function (job) { return Boolean(job.waiting_long); },
    error: function (job) { return Boolean(job.error); }
  };

  function lookup(job, path) {
    return path.split(".").reduce(function (value, key) {
      return value === null || value === undefined ? value : value[key];
    }, job);
  }

  function each(attribute, show) {
    root.querySelectorAll("[" + attribute + "]").forEach(show);
  }

  function render(job) {
    root.dataset.jobState = job.state;
    each("data-job-text", function (element) {
      var value = lookup(job, element.dataset.jobText);
      if (value !== null && value !== undefined) {
        element.textContent = value + (element.dataset.jobSuffix || "");
      }
    });
    each("data-job-value", function (element) {
      element.value = lookup(job, element.dataset.jobValue);
    });
    each("data-job-href", function (element) {
      var value = lookup(job, element.dataset.jobHref);
      if (value) {
        element.href = value;
      }
    });
    each("data-job-items", function (list) {
      var items = lookup(job, list.dataset.jobItems) || [];
      list.textContent = "";
      items.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
    });
    each("data-job-show", function (element) {
      var shown = SHOWN[element.dataset.jobShow];
      element.hidden = !(shown && shown(job));
    });
  }

  function running(state) {
    return state === "queued" || state === "running";
  }

  function poll() {
    fetch(root.dataset.jobStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (job) {
        render(job);
        if (running(job.state)) {
          window.setTimeout(poll, EVERY_MS);
        }
      })
      .catch(function () {
        // A failed request (the server restarting): ask again, less often.
        window.setTimeout(poll, EVERY_MS * 4);
      });
  }

  if (running(root.dataset.jobState)) {
    window.setTimeout(poll, EVERY_MS);
  }
})();
