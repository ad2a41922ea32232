from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "taizhang.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from taizhang.jobs import checks  # noqa: F401  (registers them)
