import datetime as dt

import pytest

from kit.clock import parse_instant
from kit.errors import InvalidInput


def test_an_instant_with_its_offset():
    assert parse_instant("2027-01-15T09:00:00+03:00") == dt.datetime(2027, 1, 15, 6, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["2027-01-15T09:00:00", "15.01.2027", ""])
def test_without_an_offset_or_malformed_it_is_refused_on_its_field(text):
    with pytest.raises(InvalidInput) as err:
        parse_instant(text, field="as_of")
    assert "as_of" in err.value.fields
