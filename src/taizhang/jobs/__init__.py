"""The task queue: background jobs run by a worker (huey, configured by settings.HUEY through
huey.contrib.djhuey). `tasks.py` holds the jobs (found by `taizhang run_huey`, which imports
every app's `tasks` module), each a thin wrapper over a service that does the work and
records it; `queue.py` runs a worker beside the development server and inside tests."""
