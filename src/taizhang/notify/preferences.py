"""Who gets what: the channels a user's notifications reach, by event. The bell (in-app)
always; e-mail for every event when the user has an address; SMS only when chosen (and a
phone number known); each `Preference` row the user saved overrides its default.

A user's address is their own (`User.email`, `Profile.phone`), else the one the office keeps
for the person they are (`Person.email`, `Person.phone`, for leaders)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User

from taizhang.ledger.models import Person
from taizhang.notify.models import Channel, Event, Preference

# The channels a person chooses (group robots are units' and always used for reminders).
PERSONAL_CHANNELS: tuple[str, ...] = (Channel.EMAIL, Channel.SMS)

Choices = Mapping[tuple[str, str], bool]  # (event, channel) -> enabled


def user_email(user: User) -> str:
    """The address a user's e-mail goes to ("" if none)."""
    person = _person(user)
    return user.email or (person.email if person is not None else "")


def user_phone(user: User) -> str:
    """The mobile number a user's SMS goes to ("" if none)."""
    profile = getattr(user, "profile", None)
    own = profile.phone if profile is not None else ""
    person = _person(user)
    return own or (person.phone if person is not None else "")


def _person(user: User) -> Person | None:
    profile = getattr(user, "profile", None)
    return profile.person if profile is not None else None


def address_of(user: User, channel: str) -> str:
    return user_email(user) if channel == Channel.EMAIL else user_phone(user)


def default_enabled(channel: str, *, has_address: bool) -> bool:
    """E-mail is on when the user has an address; SMS is off until chosen."""
    return channel == Channel.EMAIL and has_address


def choices_of(preferences: Iterable[Preference]) -> dict[tuple[str, str], bool]:
    return {(p.event, p.channel): p.enabled for p in preferences}


def is_enabled(user: User, event: str, channel: str, choices: Choices) -> bool:
    """Whether `event` reaches the user by `channel`, by their choice or the default."""
    chosen = choices.get((event, channel))
    if chosen is not None:
        return chosen
    return default_enabled(channel, has_address=bool(address_of(user, channel)))


def outside_targets(user: User, event: str, choices: Choices) -> list[tuple[str, str]]:
    """The (channel, address) pairs `event` goes to outside the bell, for a user whose
    saved choices are `choices`: enabled channels with an address only."""
    targets = []
    for channel in PERSONAL_CHANNELS:
        address = address_of(user, channel)
        if address and is_enabled(user, event, channel, choices):
            targets.append((channel, address))
    return targets


@dataclass(frozen=True)
class GridRow:
    event: str
    label: str
    enabled: dict[str, bool]  # channel -> on

    @property
    def cells(self) -> list[tuple[str, bool]]:
        """(channel, on) in the order of PERSONAL_CHANNELS: the grid's checkboxes."""
        return [(channel, self.enabled[channel]) for channel in PERSONAL_CHANNELS]


def preference_grid(user: User) -> list[GridRow]:
    """The settings page's grid, event × personal channel, as the user's choices stand (one
    query: the user's preference rows)."""
    choices = choices_of(Preference.objects.filter(user=user))
    return [
        GridRow(
            event=event.value,
            label=str(event.label),
            enabled={c: is_enabled(user, event.value, c, choices) for c in PERSONAL_CHANNELS},
        )
        for event in Event
    ]
