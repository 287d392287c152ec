"""Django's PostgreSQL backend with a bounded host-name lookup (see ``base``)."""
