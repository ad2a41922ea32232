from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "taizhang.supervision"
    verbose_name = _("督查")

    def ready(self) -> None:
        # The stored state follows every write of tasks by the ledger and reporting services.
        # Imported when first sent (taizhang.receivers): not at every start of a command.
        from taizhang.ledger.signals import tasks_changed
        from taizhang.receivers import connect_deferred
        from taizhang.reporting.signals import round_closed

        connect_deferred(
            tasks_changed,
            "taizhang.supervision.state.on_tasks_changed",
            dispatch_uid="supervision-state",
        )
        # A closing round keeps each task's light beside its status.
        connect_deferred(
            round_closed,
            "taizhang.supervision.history.on_round_closed",
            dispatch_uid="supervision-round-lights",
        )
