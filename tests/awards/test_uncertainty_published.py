"""Issue 19, point 2: the published score file carries the bootstrap's seed, draws and figures, and
`verify_results` reproduces the chances of winning from the file alone."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from awards.models import PublishedResults
from tests.awards.test_announce import _published_file


@pytest.mark.django_db
def test_verify_results_reproduces_the_chances(finished, tmp_path, capsys) -> None:
    cache.clear()
    path = _published_file(finished, tmp_path)
    document = json.loads(path.read_text())
    published = document["uncertainty"]
    assert {"seed", "replicates", "generator", "rows"} <= set(published)
    assert document["max_winners"] >= 1 and all("max_winners" in n for n in document["nominations"])
    call_command("verify_results", str(path))
    assert "chances of winning follow too" in capsys.readouterr().out
    published["rows"][0]["probability"] = 0.5 if published["rows"][0]["probability"] != 0.5 else 0.25
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="chance of winning"):
        call_command("verify_results", str(path))
    assert PublishedResults.objects.filter(contest=finished.contest).exists()
