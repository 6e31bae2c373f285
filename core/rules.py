import rules

# Who runs the site and how to reach them (core.site): staff only, on the page and in the API.
rules.add_perm("core.change_site_settings", rules.is_staff)
