from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "taizhang.notify"
    label = "notify"
    verbose_name = "通知与催办"

    def ready(self) -> None:
        # The services of the layers below send these; notify answers (notify.events).
        from taizhang.accounts import signals as accounts
        from taizhang.notify import checks, delivery, events  # noqa: F401  (checks: registers them)
        from taizhang.reporting import signals as reporting
        from taizhang.supervision import signals as supervision

        reporting.round_opened.connect(events.on_round_opened, dispatch_uid="notify-round")
        reporting.report_reviewed.connect(events.on_report_reviewed, dispatch_uid="notify-review")
        reporting.comment_added.connect(events.on_comment_added, dispatch_uid="notify-comment")
        supervision.bulletin_issued.connect(
            events.on_bulletin_issued, dispatch_uid="notify-bulletin"
        )
        supervision.tasks_turned_red.connect(events.on_tasks_turned_red, dispatch_uid="notify-red")
        accounts.unit_merged.connect(delivery.on_unit_merged, dispatch_uid="notify-merge")
