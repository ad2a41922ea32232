from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "taizhang.supervision"
    verbose_name = _("督查")

    def ready(self) -> None:
        # The stored state follows every write of tasks by the ledger and reporting services.
        from taizhang.ledger.signals import tasks_changed
        from taizhang.reporting.signals import round_closed
        from taizhang.supervision.history import on_round_closed
        from taizhang.supervision.state import on_tasks_changed

        tasks_changed.connect(on_tasks_changed, dispatch_uid="supervision-state")
        # A closing round keeps each task's light beside its status.
        round_closed.connect(on_round_closed, dispatch_uid="supervision-round-lights")
