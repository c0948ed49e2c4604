#pragma once
// /api/v1/notifications: the caller's own notifications (no permission: everyone has an inbox,
// and nobody reads another's), their unread count, read / read all / snooze / dismiss, and the
// live stream (Server-Sent Events).

#include "domains/notifications/notification_hub.hpp"
#include "http/router.hpp"

namespace guanxi::notifications {

// `authenticate` is the router's: a stream asks it again, with the request's credentials, whether
// its session still holds (NotificationHub::CheckSessions).
void RegisterNotificationRoutes(http::Router& router, NotificationStore& store,
                                NotificationHub& hub, http::Authenticator authenticate);

}  // namespace guanxi::notifications
