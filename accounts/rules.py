import rules


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    return (
        organisation is not None
        and user.is_authenticated
        and organisation.memberships.filter(user=user).exists()
    )


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    return (
        organisation is not None
        and user.is_authenticated
        and organisation.memberships.filter(user=user, is_admin=True).exists()
    )


rules.add_perm("accounts.view_organisation", is_organisation_member | rules.is_staff)
rules.add_perm("accounts.change_organisation", is_organisation_admin | rules.is_staff)
rules.add_perm("accounts.invite_to_organisation", is_organisation_admin | rules.is_staff)
rules.add_perm("accounts.add_organisation", rules.is_authenticated)


@rules.predicate
def may_add_contests(user) -> bool:
    """`contests.add_contest` by any backend (a string: accounts imports no contests code)."""
    return user.is_authenticated and user.has_perm("contests.add_contest")


# Importing libraries in bulk: staff, and those who may create contests (organisers bring the
# libraries of their calls); each imported library's contact person then administers it.
rules.add_perm("accounts.import_organisations", rules.is_staff | may_add_contests)


@rules.predicate
def started_the_import(user, job) -> bool:
    return job is not None and job.created_by_id == user.pk


# Confirming an import: the person who uploaded it (or staff), as the page shows it only to them.
rules.add_perm("accounts.confirm_import", started_the_import | rules.is_staff)


# --- who may invite whom (invitations by e-mail: services.invite, the API and the pages) ---------


@rules.predicate
def organises(user, contest) -> bool:
    """An organiser of this contest, by the contests' rule (a string: accounts imports no contests
    code; the contest is looked up by contests' invitation target, see services.invitation_target)."""
    return contest is not None and user.is_authenticated and user.has_perm("contests.manage_roles", contest)


# Organisation staff invite colleagues to their organisation (its administrators, as on its page);
# organisers invite jurors and grant officers to their contest; staff invite organisers.
rules.add_perm("accounts.invite_staff", is_organisation_admin | rules.is_staff)
rules.add_perm("accounts.invite_juror", organises)
rules.add_perm("accounts.invite_grant_officer", organises)
rules.add_perm("accounts.invite_organiser", rules.is_staff)
# Seeing and changing who is an organiser (the group): staff only.
rules.add_perm("accounts.manage_organisers", rules.is_staff)
# Revoking anyone's API token (the owner always may revoke their own): staff.
rules.add_perm("accounts.revoke_any_token", rules.is_staff)

# The security log and erasure requests (issue 16, point 7 and 8): staff only.
rules.add_perm("accounts.view_security_log", rules.is_staff)
rules.add_perm("accounts.handle_erasure", rules.is_staff)
# Removing someone's second factor (a lost phone): staff only (accounts.otp_views, accounts.api.otp).
rules.add_perm("accounts.reset_two_step", rules.is_staff)
