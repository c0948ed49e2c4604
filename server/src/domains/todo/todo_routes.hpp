#pragma once
// GET /api/v1/todo: the caller's to-do home page (todo_service.hpp). No permission of its own:
// each section needs its own, and shows only the caller's records.

#include "domains/todo/todo_service.hpp"
#include "http/router.hpp"

namespace guanxi::todo {

void RegisterTodoRoutes(http::Router& router, TodoService& service);

}  // namespace guanxi::todo
