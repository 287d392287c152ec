"""Open Referral HSDS 3.0 read-only API of the registry (see views.py)."""
