"""The reporting app's background tasks (ADR 0018, ADR 0026, ADR 0027): building the neglect
booklet for a draft or an issue, and working a report's figures out again. Each carries ids, codes
and dates only and hands straight to its service; a booklet's service locks the run and checks its
status first, so a task delivered twice does the work once (working figures out twice only works
them out twice)."""

from django_tasks import task

from reporting import services


@task()
def run_report(*, run_id: str) -> None:
    services.report_run_perform(run_id=run_id)


@task()
def work_figures_out(*, report: str, start: str, end: str, area: str, agency: str, team: str):
    services.figures_work_out(
        report=report, start=start, end=end, area=area, agency=agency, team=team
    )
