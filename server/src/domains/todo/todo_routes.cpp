#include "domains/todo/todo_routes.hpp"

namespace guanxi::todo {

void RegisterTodoRoutes(http::Router& router, TodoService& service) {
    router.Add("GET", "/api/v1/todo", [&service](http::Context& ctx) -> Result<http::Response> {
        GX_TRY_ASSIGN(TodoQuery query, ParseTodoQuery(ctx.request()));
        GX_TRY_ASSIGN(nlohmann::json todo, service.Build(ctx.user(), query));
        return http::Response::Json(200, todo);
    });
}

}  // namespace guanxi::todo
