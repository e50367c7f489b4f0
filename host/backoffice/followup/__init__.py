"""The municipal follow-up routine (seed 000 sections 3-5) over the back office's data.

``service.FollowUp(office)`` is the service layer the web pages (``host.web``)
call; ``visits`` imports the time-and-effort system's visit registrations,
``sample`` is the central sample, ``fleet`` keys and stations, ``installations``
the alarm group's lock figures, ``activity`` the activity log and the openings
no visit explains.

For programs, e.g. the emulator's demo site::

    from host.backoffice.followup.service import FollowUp
    result = FollowUp(office).import_visits(actor, [
        {"customer_ref": "K-0001", "staff_ref": 3, "start": 1773650000,
         "end": 1773651800, "registered_by": "lock"},
    ])
    assert not result.errors, result.errors
"""
