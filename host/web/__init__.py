"""The follow-up web pages of the back office (issue 8), served in the back office's process.

``app.create_web_app(office, language)`` is mounted at ``/web`` by
``host.backoffice.api.create_app``. Modules: ``app`` (sign-in, CSRF, headers,
errors), ``pages`` (the pages, their paths and CSV exports), ``tables`` (each
report as one table for the page and the CSV), ``charts`` (inline SVG),
``text`` (catalogue text in the pages' language: Swedish, English or both;
number formats). Templates are in
``templates/``, the stylesheet in ``static/``; nothing is loaded from the
internet. The reports themselves are ``host.backoffice.followup``.
"""
