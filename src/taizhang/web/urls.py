from django.contrib.auth import views as auth_views
from django.urls import path

from taizhang.web import bulletin, cycle, dashboard, public, upload, views
from taizhang.web.auth import LoginView

app_name = "web"
urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("ledgers/<int:ledger_id>/", views.ledger_detail, name="ledger_detail"),
    path("ledgers/<int:ledger_id>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "ledgers/<int:ledger_id>/light-settings/",
        dashboard.light_settings_update,
        name="light_settings",
    ),
    path("ledgers/<int:ledger_id>/mine/", cycle.my_task_list, name="my_tasks"),
    path("ledgers/<int:ledger_id>/rounds/", cycle.rounds, name="rounds"),
    path("ledgers/<int:ledger_id>/export/<str:fmt>/", cycle.ledger_export, name="ledger_export"),
    path("ledgers/upload/", upload.ledger_upload, name="ledger_upload"),
    path("ledgers/upload/preview/", upload.ledger_upload_preview, name="ledger_upload_preview"),
    path("ledgers/upload/confirm/", upload.ledger_upload_confirm, name="ledger_upload_confirm"),
    path("rounds/<int:round_id>/", views.round_snapshot, name="round_snapshot"),
    path("rounds/<int:round_id>/close/", cycle.round_close, name="round_close"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/report/", cycle.report_submit, name="report_submit"),
    path("tasks/<int:task_id>/comment/", cycle.comment_add, name="comment_add"),
    path("tasks/<int:task_id>/edit/", cycle.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/figure/", cycle.figure_set, name="figure_set"),
    path("review/", cycle.review, name="review"),
    path(
        "reports/<int:report_id>/accept/",
        cycle.report_decide,
        {"decision": "accept"},
        name="report_accept",
    ),
    path(
        "reports/<int:report_id>/return/",
        cycle.report_decide,
        {"decision": "return"},
        name="report_return",
    ),
    path("attachments/<int:attachment_id>/", cycle.attachment, name="attachment"),
    path("ledgers/<int:ledger_id>/bulletins/", bulletin.bulletin_list, name="bulletins"),
    path("bulletins/<int:bulletin_id>/", bulletin.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:bulletin_id>/issue/", bulletin.bulletin_issue, name="bulletin_issue"),
    path(
        "bulletins/<int:bulletin_id>/download/<str:fmt>/",
        bulletin.bulletin_download,
        name="bulletin_download",
    ),
    path("public/", public.public_index, name="public_index"),
    path("public/ledgers/<int:ledger_id>/", public.public_ledger, name="public_ledger"),
    path("ledgers/<int:ledger_id>/publish/", public.publish, name="publish"),
]
