"""Django's PostgreSQL engine, with its batches sized for server-side binding:
`DATABASES["default"]["ENGINE"] = "taizhang.postgresql_backend"`."""
