"""The bell: the unread count on every page for a signed-in user (one query, none for no
one), the list of the user's own notifications (paged, its queries the same for 5 or 50),
one marked read when opened, all marked read at once (POST)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from taizhang.notify.models import Event, Notification
from tests.factories import World, client_for, signed_in


def notify(user: User, count: int, link: str = "") -> list[Notification]:
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            user=user,
            event=Event.REMINDER,
            title=f"通知{i}",
            body="正文",
            link=link,
            created_at=now,
        )
        for i in range(count)
    )


def bell(content: bytes) -> str:
    page = content.decode()
    start = page.index('id="bell"')
    return page[start : page.index("</a>", start)]


def test_the_bell_shows_the_users_unread_count(world: World) -> None:
    notify(world.water, 3)
    notify(world.health, 7)
    water = client_for(world, "water")
    assert '<span class="count">3</span>' in bell(water.get(reverse("web:home")).content)
    Notification.objects.filter(user=world.water).update(read_at=timezone.now())
    assert '<span class="count"></span>' in bell(water.get(reverse("web:home")).content)


def test_no_bell_and_no_count_for_no_one_signed_in(
    world: World, django_assert_num_queries: Any
) -> None:
    client = signed_in(None)
    with django_assert_num_queries(0):
        response = client.get(reverse("web:login"))
    assert 'id="bell"' not in response.content.decode()


def test_the_count_costs_one_query(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "water")
    client.get(reverse("web:notifications"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("web:notifications"))
    counts = [q["sql"] for q in queries.captured_queries if "notify_notification" in q["sql"]]
    assert sum("read_at" in sql and "IS NULL" in sql for sql in counts) == 1


def list_queries(world: World, count: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Notification.objects.filter(user=world.water).delete()
    notify(world.water, count)
    client = client_for(world, "water")
    client.get(reverse("web:notifications"))  # the session and caches, once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:notifications"))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_list_costs_the_same_for_5_or_50_notifications(world: World) -> None:
    assert list_queries(world, 5) == list_queries(world, 50)


def test_the_list_shows_the_users_own_notifications_paged(world: World) -> None:
    notify(world.water, 25)
    notify(world.health, 1)
    client = client_for(world, "water")
    first = client.get(reverse("web:notifications"))
    assert len(first.context["page"]) == 20
    assert {n.user_id for n in first.context["page"]} == {world.water.pk}
    second = client.get(reverse("web:notifications"), {"page": 2})
    assert len(second.context["page"]) == 5


def test_opening_a_notification_marks_it_read_and_follows_its_link(world: World) -> None:
    link = reverse("web:my_tasks", args=[world.ledger.pk])
    (note,) = notify(world.water, 1, link=link)
    response = client_for(world, "water").get(reverse("web:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == link
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_elsewhere_is_not_followed(world: World) -> None:
    (note,) = notify(world.water, 1, link="https://example.com/")
    response = client_for(world, "water").get(reverse("web:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("web:notifications")


@pytest.mark.parametrize("role", ["health", "office", "anonymous"])
def test_another_users_notification_is_not_found(world: World, role: str) -> None:
    (note,) = notify(world.water, 1)
    response = client_for(world, role).get(reverse("web:notification_open", args=[note.pk]))
    assert response.status_code == (302 if role == "anonymous" else 404)
    note.refresh_from_db()
    assert note.read_at is None


def test_marking_all_read_takes_a_post_with_csrf(world: World) -> None:
    notify(world.water, 4)
    notify(world.health, 2)
    url = reverse("web:notifications_read_all")
    strict = client_for(world, "water", enforce_csrf_checks=True)
    assert strict.post(url).status_code == 403
    client = client_for(world, "water")
    assert client.get(url).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 6
    assert client.post(url).status_code == 302
    assert not Notification.objects.filter(user=world.water, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.health, read_at__isnull=True).count() == 2
