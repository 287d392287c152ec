"""Staff sign-in: throttled passwords, a second factor, short sessions, an audit trail.

* ``policy``: who must use a second factor (a setting naming permissions, never an app).
* ``throttle``: growing delays and holds per account, a limit per client (keyed hashes).
* ``forms``/``views``: the Wagtail admin's login form, the second-factor screens.
* ``middleware``: no admin page before the second factor; idle and absolute session limits.
* ``audit``: Wagtail audit-log entries for sign-ins and second-factor changes.
"""
