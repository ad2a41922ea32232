"""Regressions from the security review: no permission leaks through snapshots, history or
leader accounts without a person."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.ledger.models import Task, TaskLeader, Unit
from taizhang.ledger.services import ledger_import
from taizhang.reporting import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def per_category_ledger():
    """Two categories, each numbering its tasks from 1 (the layout task_keys supports)."""
    doc = LedgerDoc(
        title="2022年分类编号台账",
        year=2022,
        categories=[
            CategoryDoc(
                1,
                "甲类",
                [
                    TaskDoc(
                        1,
                        "甲类任务一：公开",
                        leaders=["王一"],
                        units=[UnitRef("水利局")],
                        progress="水利局的进展",
                    )
                ],
            ),
            CategoryDoc(
                2,
                "乙类",
                [
                    TaskDoc(
                        1,
                        "乙类任务一：机密",
                        leaders=["王二"],
                        units=[UnitRef("公安局")],
                        progress="公安局内部进展：涉密",
                        remarks="内部备注",
                    )
                ],
            ),
        ],
    )
    return ledger_import(doc=doc).ledger


def test_round_snapshot_leaks_same_numbered_task_of_another_category(db):
    ledger = per_category_ledger()
    water = account_create(
        username="slj",
        password=PASSWORD,
        role=Role.REPORTER,
        units=[Unit.objects.get(name="水利局")],
    )
    office = account_create(username="office", password=PASSWORD, role=Role.OFFICE)
    round_ = services.round_open(
        ledger=ledger, name="2022年1月", due_date=datetime.date(2022, 1, 25), actor=office
    )
    services.round_close(round_=round_, actor=office)
    client = Client()
    client.force_login(water)
    # The reporter cannot open the 公安局 task...
    secret = Task.objects.get(ledger=ledger, key="2.1")
    assert client.get(reverse("web:task_detail", args=[secret.pk])).status_code == 404
    # ...but the snapshot of the round shows it, progress and all.
    page = client.get(reverse("web:round_snapshot", args=[round_.pk])).content.decode()
    assert "乙类任务一：机密" not in page, "snapshot leaks another unit's task"


def test_dashboard_history_counts_same_numbered_tasks_of_other_categories(db):
    ledger = per_category_ledger()
    water = account_create(
        username="slj",
        password=PASSWORD,
        role=Role.REPORTER,
        units=[Unit.objects.get(name="水利局")],
    )
    office = account_create(username="office", password=PASSWORD, role=Role.OFFICE)
    round_ = services.round_open(
        ledger=ledger, name="2022年1月", due_date=datetime.date(2022, 1, 25), actor=office
    )
    services.round_close(round_=round_, actor=office)
    client = Client()
    client.force_login(water)
    data = client.get(f"/api/ledgers/{ledger.pk}/dashboard").json()
    assert data["totals"]["tasks"] == 1
    history = data["history"][0]
    counted = sum(
        history[k] for k in ("completed", "in_progress", "lagging", "not_started", "none")
    )
    assert counted == 1, f"history counts {counted} tasks for a reporter who sees 1"


def test_leader_account_without_person_sees_tasks_without_leaders(world):
    # A task whose 牵头领导 cell is empty (common in real ledgers).
    TaskLeader.objects.filter(task=world.task(13)).delete()
    nobody = account_create(
        username="leader2", password=PASSWORD, role=Role.LEADER
    )  # person not linked yet
    client = Client()
    client.force_login(nobody)
    response = client.get(reverse("web:task_detail", args=[world.task(13).pk]))
    assert response.status_code == 404, "a leader with no person sees every leaderless task"
    api = client.get(f"/api/ledgers/{world.ledger.pk}/tasks").json()
    assert api["count"] == 0, api["count"]
