"""The server-drawn bar chart: bars scale to the largest value, the include is accessible SVG."""

from django.template.loader import render_to_string
from django.utils import translation

from safechildhood.core.charts import BAR_AREA, LABEL_WIDTH, bar_chart


def test_bars_scale_to_the_largest_value():
    chart = bar_chart([("a", 4), ("b", 2), ("c", 0)], title="T", desc="D")
    assert [bar.width for bar in chart.bars] == [f"{BAR_AREA:.1f}", f"{BAR_AREA / 2:.1f}", ""]
    assert [bar.shown for bar in chart.bars] == ["4", "2", "0"]
    assert len({bar.y for bar in chart.bars}) == 3 and chart.height > chart.bars[-1].y


def test_no_rows_and_all_zero_draw_nothing_and_do_not_fail():
    assert bar_chart([], title="T", desc="D").bars == []
    assert bar_chart([("a", 0)], title="T", desc="D").bars[0].width == ""


def test_include_is_labelled_svg_with_dot_decimals_in_russian():
    chart = bar_chart(
        [("Январь", 1.25), ("Февраль", 3)],
        title="По месяцам",
        desc="Те же числа",
        shown=["1,3", "3"],
    )
    with translation.override("ru"):
        svg = render_to_string("core/includes/bar_chart.html", {"chart": chart})
    assert 'role="img"' in svg and f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in svg
    assert f'<title id="{chart.id}-title">По месяцам</title>' in svg
    assert f'<desc id="{chart.id}-desc">Те же числа</desc>' in svg
    assert 'width="125.0"' in svg and f'x="{LABEL_WIDTH}"' in svg and ">1,3<" in svg
    assert "<script" not in svg
