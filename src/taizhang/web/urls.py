from django.urls import path

from taizhang.web import views

app_name = "web"
urlpatterns = [
    path("", views.ledger_index, name="ledger_index"),
    path("ledgers/<int:ledger_id>/", views.ledger_detail, name="ledger_detail"),
]
