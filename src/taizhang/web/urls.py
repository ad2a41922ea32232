from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from taizhang.web import (
    bulletin,
    cycle,
    dashboard,
    exports,
    joint,
    public,
    reports,
    upload,
    views,
)
from taizhang.web.auth import LoginView
from taizhang.web.converters import IdConverter

# `<id:…>`: an id beyond any database integer is a 400, not a 500.
register_converter(IdConverter, "id")

app_name = "web"
urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("ledgers/<id:ledger_id>/", views.ledger_detail, name="ledger_detail"),
    path("ledgers/<id:ledger_id>/dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "ledgers/<id:ledger_id>/light-settings/",
        dashboard.light_settings_update,
        name="light_settings",
    ),
    path("ledgers/<id:ledger_id>/mine/", reports.my_task_list, name="my_tasks"),
    path("ledgers/<id:ledger_id>/joint/", joint.joint_settings, name="joint_settings"),
    path("ledgers/<id:ledger_id>/rounds/", cycle.rounds, name="rounds"),
    path("ledgers/<id:ledger_id>/export/<str:fmt>/", exports.ledger_export, name="ledger_export"),
    path("exports/<id:job_id>/", exports.export_job, name="export_job"),
    path("exports/<id:job_id>/status/", exports.export_job_state, name="export_job_status"),
    path("exports/<id:job_id>/download/", exports.export_job_download, name="export_job_download"),
    path("ledgers/upload/", upload.ledger_upload, name="ledger_upload"),
    path("ledgers/upload/preview/", upload.ledger_upload_preview, name="ledger_upload_preview"),
    path("ledgers/upload/confirm/", upload.ledger_upload_confirm, name="ledger_upload_confirm"),
    path("imports/<id:job_id>/", upload.import_job, name="import_job"),
    path("imports/<id:job_id>/status/", upload.import_job_state, name="import_job_status"),
    path("rounds/<id:round_id>/", views.round_snapshot, name="round_snapshot"),
    path("rounds/<id:round_id>/close/", cycle.round_close, name="round_close"),
    path("tasks/<id:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<id:task_id>/report/", reports.report_submit, name="report_submit"),
    path("tasks/<id:task_id>/comment/", cycle.comment_add, name="comment_add"),
    path("tasks/<id:task_id>/edit/", cycle.task_edit, name="task_edit"),
    path("tasks/<id:task_id>/figure/", cycle.figure_set, name="figure_set"),
    path("review/", cycle.review, name="review"),
    path(
        "reports/<id:report_id>/accept/",
        cycle.report_decide,
        {"decision": "accept"},
        name="report_accept",
    ),
    path(
        "reports/<id:report_id>/return/",
        cycle.report_decide,
        {"decision": "return"},
        name="report_return",
    ),
    path("attachments/<id:attachment_id>/", reports.attachment, name="attachment"),
    path("held-files/<id:held_id>/", reports.held_file, name="held_file"),
    path("ledgers/<id:ledger_id>/bulletins/", bulletin.bulletin_list, name="bulletins"),
    path(
        "ledgers/<id:ledger_id>/bulletins/issued/",
        bulletin.bulletins_issued,
        name="bulletins_issued",
    ),
    path("bulletins/<id:bulletin_id>/", bulletin.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<id:bulletin_id>/issue/", bulletin.bulletin_issue, name="bulletin_issue"),
    path(
        "bulletins/<id:bulletin_id>/download/<str:fmt>/",
        bulletin.bulletin_download,
        name="bulletin_download",
    ),
    path("public/", public.public_index, name="public_index"),
    path("public/ledgers/<id:ledger_id>/", public.public_ledger, name="public_ledger"),
    path("ledgers/<id:ledger_id>/publish/", public.publish, name="publish"),
]
