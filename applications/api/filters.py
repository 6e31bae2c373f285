from django_filters import rest_framework as filters

from accounts.regions import Region
from applications.models import Application


class ApplicationFilter(filters.FilterSet):
    region = filters.ChoiceFilter(field_name="organisation__region", choices=Region.choices)
    state = filters.MultipleChoiceFilter(choices=Application.State.choices)

    class Meta:
        model = Application
        fields = ["contest", "nomination", "state", "region"]
