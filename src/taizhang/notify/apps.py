from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "taizhang.notify"
    label = "notify"
    verbose_name = "通知与催办"

    def ready(self) -> None:
        # The services of the layers below send these; notify answers (notify.events), its
        # modules imported when first sent (taizhang.receivers): not at every start.
        from taizhang.accounts import signals as accounts
        from taizhang.notify import checks  # noqa: F401  (registers them)
        from taizhang.receivers import connect_deferred
        from taizhang.reporting import signals as reporting
        from taizhang.supervision import signals as supervision

        for signal, receiver, uid in (
            (reporting.round_opened, "events.on_round_opened", "notify-round"),
            (reporting.report_reviewed, "events.on_report_reviewed", "notify-review"),
            (reporting.comment_added, "events.on_comment_added", "notify-comment"),
            (supervision.bulletin_issued, "events.on_bulletin_issued", "notify-bulletin"),
            (supervision.tasks_turned_red, "events.on_tasks_turned_red", "notify-red"),
            (accounts.unit_merged, "delivery.on_unit_merged", "notify-merge"),
        ):
            connect_deferred(signal, f"taizhang.notify.{receiver}", dispatch_uid=uid)
