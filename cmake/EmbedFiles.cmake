# eenplan_embed_files(<target> NAMESPACE <ns> FILES <file>...): compiles the files' bytes into a
# library so the service binary carries its SQL migrations and JSON Schemas with it.
# Each file becomes an entry {relative path, contents} in <ns>::files().
function(eenplan_embed_files target)
  cmake_parse_arguments(ARG "" "NAMESPACE;BASE_DIR" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp")
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${target}_embed.cmake")
  file(WRITE "${script}" "
set(body \"// Generated from ${ARG_BASE_DIR}; do not edit.\\n#include <string_view>\\n#include <vector>\\n#include <utility>\\nnamespace ${ARG_NAMESPACE} {\\nconst std::vector<std::pair<std::string_view, std::string_view>>& files() {\\n  static const std::vector<std::pair<std::string_view, std::string_view>> all = {\\n\")
foreach(f IN LISTS FILES)
  file(RELATIVE_PATH rel \"${ARG_BASE_DIR}\" \"\${f}\")
  file(READ \"\${f}\" content HEX)
  string(REGEX REPLACE \"([0-9a-f][0-9a-f])\" \"\\\\\\\\x\\\\1\" escaped \"\${content}\")
  string(LENGTH \"\${content}\" hexlen)
  math(EXPR len \"\${hexlen} / 2\")
  string(APPEND body \"    {\\\"\${rel}\\\", std::string_view(\\\"\${escaped}\\\", \${len})},\\n\")
endforeach()
string(APPEND body \"  };\\n  return all;\\n}\\n}\\n\")
file(WRITE \"${out}.tmp\" \"\${body}\")
execute_process(COMMAND \${CMAKE_COMMAND} -E copy_if_different \"${out}.tmp\" \"${out}\")
")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DFILES=${ARG_FILES}" -P "${script}"
    DEPENDS ${ARG_FILES} "${script}"
    COMMENT "Embedding ${target} files" VERBATIM)
  add_library(${target} STATIC "${out}")
endfunction()
