# Writes OUTPUT: a C++ file defining guanxi::OpenApiDocument() from INPUT (openapi.json).
file(READ "${INPUT}" doc)
file(WRITE "${OUTPUT}.tmp" "// Generated from server/openapi/openapi.json by embed_openapi.cmake. Do not edit.
#include \"cli/openapi.hpp\"

namespace guanxi {

std::string_view OpenApiDocument() {
    static constexpr std::string_view kDocument = R\"GXDOC(${doc})GXDOC\";
    return kDocument;
}

}  // namespace guanxi
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
