"""The settings of the `taizhang` processes the tests start as an installation of its own
(tests/upgrade/cli.py, Site): the project's, with a fast password hasher first. `taizhang demo`
makes 14 accounts, and the production hasher spends 0.2 s of CPU on each, on purpose. The
production hashers stay after it, so the hashes they stored (the predecessor's database, an
archive's users) still check."""

from django.conf import global_settings

from taizhang.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *globals().get("PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS),
]
