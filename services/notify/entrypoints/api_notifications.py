"""The notify gRPC API, (notifications): inbox read/unread and pages, preferences, one-click unsubscribe."""

from __future__ import annotations

from kabinet.notify.v1 import notify_pb2 as pb

from kit.context import require_caller
from services.notify.domain.preferences import CategorySettings
from services.notify.domain.unsubscribe import DEV_UNSUBSCRIBE_SECRET, UnsubscribeSigner
from services.notify.service_layer import inbox
from services.notify.service_layer import preferences as prefs


class NotificationRpcs:
    """Mixed into NotifyServicer (self.uow: the unit-of-work factory; self.config: NotifyConfig)."""

    def ListNotifications(self, request, context):
        from services.notify.entrypoints.api import inbox_to_pb  # the servicer's module converts messages

        page = inbox.list_page(self.uow(), user_id=require_caller().user_id, limit=request.limit,
                               page_token=request.page_token, unread_only=request.unread_only)
        return pb.ListNotificationsReply(messages=[inbox_to_pb(m) for m in page.messages],
                                         next_page_token=page.next_page_token, unread_count=page.unread_count)

    def CountUnreadNotifications(self, request, context):
        return pb.UnreadCount(unread_count=inbox.unread_count(self.uow(), user_id=require_caller().user_id))

    def MarkNotificationRead(self, request, context):
        unread = inbox.mark_read(self.uow(), user_id=require_caller().user_id, message_id=request.message_id)
        return pb.UnreadCount(unread_count=unread)

    def MarkAllNotificationsRead(self, request, context):
        marked = inbox.mark_all_read(self.uow(), user_id=require_caller().user_id)
        return pb.MarkAllNotificationsReadReply(marked=marked, unread_count=0)

    def GetNotificationPreferences(self, request, context):
        return preferences_to_pb(prefs.get_preferences(self.uow(), user_id=require_caller().user_id))

    def UpdateNotificationPreferences(self, request, context):
        changes = [(c.category, c.channel, c.enabled) for c in request.changes]
        return preferences_to_pb(prefs.update_preferences(self.uow(), user_id=require_caller().user_id,
                                                          changes=changes))

    def DescribeUnsubscribe(self, request, context):
        return unsubscribe_to_pb(prefs.describe_unsubscribe(self.uow(), self._signer(), request.token))

    def Unsubscribe(self, request, context):
        return unsubscribe_to_pb(prefs.unsubscribe(self.uow(), self._signer(), request.token))

    def _signer(self) -> UnsubscribeSigner:
        config = getattr(self, "config", None)
        return UnsubscribeSigner(config.unsubscribe_secret if config is not None else DEV_UNSUBSCRIBE_SECRET)


def preferences_to_pb(categories: list[CategorySettings]) -> pb.NotificationPreferences:
    return pb.NotificationPreferences(categories=[pb.NotificationCategorySettings(
        category=c.category, title=c.title, description=c.description, channels=[pb.NotificationChannelSetting(
            channel=s.channel, title=s.title, enabled=s.enabled, locked=s.locked) for s in c.channels])
        for c in categories])


def unsubscribe_to_pb(o: prefs.UnsubscribeOutcome) -> pb.UnsubscribeReply:
    return pb.UnsubscribeReply(category=o.category, category_title=o.category_title, channel=o.channel, used=o.used,
                               enabled=o.enabled)
