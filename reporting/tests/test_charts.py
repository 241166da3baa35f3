"""The accessible bar charts: their geometry worked out by hand, and what the include draws."""

from django.template.loader import render_to_string

from reporting import charts
from reporting.charts import bar_chart

# The drawing is 640 wide and keeps 170 for the value beside the longest bar: bars share 470.
ROOM = 640 - 170


def _chart(**kwargs):
    rows = [
        ("Batley and Spen", 10, "10"),
        ("Dewsbury and Mirfield", 5, "5"),
        ("Huddersfield", None, "Fewer than 5", True),
        ("Kirklees Rural", None, ""),
        ("Holme Valley", 0, "0"),
    ]
    return bar_chart(
        "Neglect concerns by area",
        rows,
        unit="Number",
        description="Concerns in each area.",
        **kwargs,
    )


def test_bars_scale_to_the_largest_value_one_row_each():
    chart = _chart()
    assert [bar.width for bar in chart.bars] == [ROOM, ROOM / 2, 0, 0, 0]
    assert [bar.top for bar in chart.bars] == [0, 48, 96, 144, 192]
    assert chart.height == 5 * 48
    assert [bar.drawn for bar in chart.bars] == [True, True, False, False, False]
    # The value is written just after the end of its bar, or where the bar would start.
    assert [bar.value_x for bar in chart.bars] == [ROOM + 8, ROOM / 2 + 8, 0, 0, 0]


def test_a_suppressed_or_missing_value_draws_no_bar_and_says_why():
    chart = _chart()
    suppressed, missing, zero = chart.bars[2], chart.bars[3], chart.bars[4]
    assert (suppressed.value, suppressed.missing) == (None, "Suppressed")
    assert suppressed.text == "Huddersfield (Suppressed)"
    assert suppressed.shown == "Fewer than 5"
    assert missing.text == "Kirklees Rural (Not available)"
    assert missing.shown == "Not available"
    # Nothing to count is a real value, not a missing one.
    assert (zero.missing, zero.text, zero.shown) == ("", "Holme Valley", "0")


def test_a_suppressed_value_given_with_its_number_is_still_not_drawn_or_scaled_to():
    chart = bar_chart(
        "Rates",
        [("Hidden", 90, "Suppressed", True), ("Shown", 45, "45%")],
        unit="Per cent",
        description="",
    )
    # Scaled to 45, the largest shown, never to the hidden 90.
    assert [bar.width for bar in chart.bars] == [0, ROOM]
    assert chart.bars[0].value is None


def test_a_percentage_can_scale_to_a_hundred():
    chart = bar_chart(
        "Seen alone",
        [("A", 50.0, "50%"), ("B", 25.0, "25%")],
        unit="Per cent",
        description="",
        scale_to=100,
    )
    assert [bar.width for bar in chart.bars] == [ROOM / 2, ROOM / 4]


def test_nothing_to_draw_when_every_value_is_missing_or_zero():
    chart = bar_chart("Empty", [("A", 0, "0"), ("B", None, "")], unit="Number", description="")
    assert [bar.width for bar in chart.bars] == [0, 0]
    assert bar_chart("None", [], unit="Number", description="").is_empty


def test_ids_are_unique_for_charts_with_the_same_title():
    first, second = _chart(), _chart()
    assert first.key != second.key
    assert first.title_id == f"{first.key}-title" and first.desc_id == f"{first.key}-desc"
    assert _chart(key="concerns").title_id == "concerns-title"


def _render(chart) -> str:
    return render_to_string("reporting/includes/bar_chart.html", {"chart": chart})


def test_the_include_draws_an_svg_named_by_its_title_and_description_then_the_table():
    chart = _chart(key="concerns", category="Early help area")
    html = _render(chart)
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-labelledby="concerns-title concerns-desc"'
    ) in html
    assert '<title id="concerns-title">Neglect concerns by area</title>' in html
    assert '<desc id="concerns-desc">Concerns in each area.</desc>' in html
    assert 'viewBox="0 0 640 240"' in html
    # Two bars drawn (the zero, the suppressed and the missing draw none).
    assert html.count("<rect ") == 2
    assert 'width="470"' in html and 'width="235"' in html
    assert ">Huddersfield (Suppressed)</text>" in html
    assert ">Fewer than 5</text>" in html
    assert html.index("</svg>") < html.index("<table")
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s">Neglect concerns by area'
        in html
    )
    assert '<th scope="col" class="govuk-table__header">Early help area</th>' in html
    assert (
        '<th scope="row" class="govuk-table__header">Huddersfield</th>\n'
        '        <td class="govuk-table__cell govuk-table__cell--numeric">Fewer than 5</td>'
    ) in html


def test_labels_titles_and_values_are_escaped():
    hostile = '<script>alert("x")</script> O\'Neil'
    chart = bar_chart(
        hostile,
        [(hostile, 3, hostile), ("Fine", None, "")],
        unit=hostile,
        description=hostile,
        key="hostile",
    )
    html = _render(chart)
    assert "<script>" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Neil"
    # In the drawing: the title, the description, the label and the value; in the table: the
    # caption, the unit's heading, the row's heading and its value.
    assert html.count(escaped) == 4 + 4


def test_numbers_in_the_drawing_are_not_localised(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    chart = bar_chart("Big", [("A", 1234.5, "1,234.5")], unit="Number", description="", key="big")
    html = _render(chart)
    assert f'width="{ROOM}"' in html and 'x="478"' in html
    assert charts.WIDTH == 640
