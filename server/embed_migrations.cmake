# Writes OUTPUT: a C++ file defining guanxi::db::EmbeddedMigrations() from the SQL files under
# MIGRATIONS_DIR/{sqlite,postgres}/NNN_name.sql. Run at build time so editing a .sql file rebuilds.
file(GLOB sqlite_files "${MIGRATIONS_DIR}/sqlite/*.sql")
file(GLOB postgres_files "${MIGRATIONS_DIR}/postgres/*.sql")
set(body "")
foreach(backend sqlite postgres)
  if(backend STREQUAL "sqlite")
    set(files ${sqlite_files})
    set(enum "Backend::kSqlite")
  else()
    set(files ${postgres_files})
    set(enum "Backend::kPostgres")
  endif()
  list(SORT files)
  foreach(f ${files})
    get_filename_component(name "${f}" NAME_WE)
    string(REGEX MATCH "^[0-9]+" number "${name}")
    math(EXPR number "${number}")
    file(READ "${f}" sql)
    string(APPEND body "        {${enum}, ${number}, \"${name}\", R\"GXSQL(${sql})GXSQL\"},\n")
  endforeach()
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from server/migrations by embed_migrations.cmake. Do not edit.
#include \"db/migrator.hpp\"

namespace guanxi::db {

const std::vector<Migration>& EmbeddedMigrations() {
    static const std::vector<Migration> kMigrations = {
${body}    };
    return kMigrations;
}

}  // namespace guanxi::db
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
