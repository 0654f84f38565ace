"""The care record: clinics, staff, patients, programs, logs, check-ins, rollups and audit, with
the access functions and the `do_*` actions that change them. The portal, the patient app and
the reminders all stand on it.
"""
