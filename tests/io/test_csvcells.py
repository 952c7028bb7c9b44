import csv
import io

import pytest

from dojo_gui.io.csvcells import csv_row, csv_text


@pytest.mark.parametrize("text, written", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-1.5", "-1.5"), ("+2e-3", "+2e-3"), ("-.5", "-.5"), ("ring, room", "ring, room"), ("", ""),
])
def test_text_that_a_spreadsheet_would_run_gets_a_quote_and_numbers_do_not(text, written):
    assert csv_text(text) == written


def test_a_row_keeps_numbers_numeric():
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(csv_row([-3, -2.5, "=1+1", "-4"]))
    assert out.getvalue() == "-3,-2.5,'=1+1,-4\n"
