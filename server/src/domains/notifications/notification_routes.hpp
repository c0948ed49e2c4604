#pragma once
// /api/v1/notifications: the caller's own notifications (no permission: everyone has an inbox,
// and nobody reads another's), their unread count, read / read all / snooze / dismiss, and the
// live stream (Server-Sent Events).

#include "domains/notifications/notification_hub.hpp"
#include "http/router.hpp"

namespace guanxi::notifications {

void RegisterNotificationRoutes(http::Router& router, NotificationStore& store,
                                NotificationHub& hub);

}  // namespace guanxi::notifications
