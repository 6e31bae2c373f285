"""The staff page's form for the site settings (core.site)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import site
from core.models import SiteSettings


class SiteSettingsForm(forms.ModelForm):
    logo_file = forms.FileField(
        label=_("New logo"),
        required=False,
        help_text=_("PNG or JPEG, at most %(size)s KB; shown in the header beside the site name."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = SiteSettings
        fields = list(site.EDITABLE)
        widgets = {field: forms.Textarea(attrs={"rows": 6}) for field in site.TEXTS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo_file"].help_text = self.fields["logo_file"].help_text % {
            "size": settings.SITE_LOGO_MAX_KB
        }
        for name in site.FROM_SETTINGS:
            default = site.default_value(name)
            if default:
                self.fields[name].widget.attrs["placeholder"] = default
                self.fields[name].help_text = _("%(help)s Empty: “%(default)s”.") % {
                    "help": self.fields[name].help_text or "",
                    "default": default,
                }
        for name in site.TEXTS:
            self.fields[name].help_text = _("Empty: the standard text is shown.")

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if upload:
            try:
                site.check_logo(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return upload
