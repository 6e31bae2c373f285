"""Who manages mailings: a contest's organisers (its mailings); staff and the Organisers group
(site-wide ones)."""

import rules

from contests.rules import is_organiser
from mailings.selectors import may_mail_site_wide


@rules.predicate
def mails_site_wide(user) -> bool:
    return may_mail_site_wide(user)


@rules.predicate
def manages_mailing(user, mailing) -> bool:
    if mailing is None or not user.is_authenticated:
        return False
    if mailing.contest_id:
        return is_organiser(user, mailing.contest)
    return may_mail_site_wide(user)


@rules.predicate
def may_add_mailing(user, contest=None) -> bool:
    """A mailing of `contest` (its organisers) or, without one, a site-wide mailing."""
    if not user.is_authenticated:
        return False
    return is_organiser(user, contest) if contest is not None else may_mail_site_wide(user)


rules.add_perm("mailings.add_mailing", may_add_mailing)
rules.add_perm("mailings.view_mailing", manages_mailing)
rules.add_perm("mailings.change_mailing", manages_mailing)
rules.add_perm("mailings.send_mailing", manages_mailing)
