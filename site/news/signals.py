"""Signal receivers: the news workflow on every index."""

from __future__ import annotations

from wagtail.models import Workflow, WorkflowPage

# Created by migration 0002_editorial_workflow.
NEWS_WORKFLOW_NAME = "Модерация новостей"


def attach_news_workflow(sender, instance, created: bool = False, raw: bool = False, **kwargs):
    """A new news index (or its translation) gets the news workflow unless it has one."""
    if not created or raw:
        return
    workflow = Workflow.objects.filter(name=NEWS_WORKFLOW_NAME, active=True).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page_id=instance.pk, defaults={"workflow": workflow})
