from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "taizhang.notify"
    label = "notify"
    verbose_name = "通知与催办"
