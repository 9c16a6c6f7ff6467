"""Shared persistent state (``database``): saved what-if scenarios, the workbook library and the
audit log, in SQLite by default or PostgreSQL when ``PERFEVAL_DATABASE_URL`` says so, and the one
definition of the data directory (``data_dir``). May import ``model`` and ``analysis``."""
