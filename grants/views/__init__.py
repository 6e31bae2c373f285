"""The grants' web pages: the grantee's (grantee.py: their grants, tranches and reports to write),
the grant officer's (officer.py: the contest dashboard, exports, creating and terminating grants,
reviewing reports, paying tranches); the catalogue's steps (grants/steps.py) from the pages'
buttons in steps.py; shared lookups in common.py.

Reading starts from what the user may see (anything else answers 404); every write goes through
grants.services; permissions come from grants/rules.py.
"""
