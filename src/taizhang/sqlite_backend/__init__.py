"""Django's SQLite engine, with write transactions that take turns (taizhang.sqlite.WriteTurn):
`DATABASES["default"]["ENGINE"] = "taizhang.sqlite_backend"`."""
