"""Backup and restore of a whole Taizhang: the database in a form that does not depend on its
engine, and the data directory's files (uploads, held files, exports), in one archive
(docs/backup.md). `archive` is the file format, `dump` writes one, `load` restores one,
`schedule` keeps the daily ones."""
