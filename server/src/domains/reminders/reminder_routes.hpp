#pragma once
// The reminder settings' routes: the caller's own channels (GET/PUT
// /api/v1/me/notification-settings) and the administrator's rules (GET/PUT
// /api/v1/settings/reminders, permission users.manage).

#include "domains/reminders/reminder_service.hpp"
#include "http/router.hpp"

namespace guanxi::reminders {

void RegisterReminderRoutes(http::Router& router, ReminderService& service);

}  // namespace guanxi::reminders
