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
