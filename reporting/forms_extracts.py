"""The Supporting Families extract's form: a quarter, or a start and end date that replace it
(the dashboard's own choice of period and its checks), and the file wanted."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size

from reporting.forms import ReportFilterForm, format_field


class SupportingFamiliesForm(ReportFilterForm):
    """The extract is for the whole partnership: no area, agency or team to choose."""

    fmt = format_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("area", "agency", "team"):
            del self.fields[name]
        self.fields["quarter"].label = "Which quarter?"
        self.fields["start"].label = "Or from"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.select("quarter"),
            Field("start"),
            Field("end"),
            Field.radios("fmt", legend_size=Size.SMALL),
        )
