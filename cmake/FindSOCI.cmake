# FindSOCI: Debian ships SOCI 4 without a CMake package configuration, so locate it by hand.
# Provides SOCI::core and one SOCI::<backend> imported target per requested component.
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)

set(_soci_required SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
foreach(_backend IN LISTS SOCI_FIND_COMPONENTS)
  find_library(SOCI_${_backend}_LIBRARY NAMES soci_${_backend})
  if(SOCI_${_backend}_LIBRARY)
    set(SOCI_${_backend}_FOUND TRUE)
  endif()
endforeach()

# The backend headers include their client library's headers.
if("postgresql" IN_LIST SOCI_FIND_COMPONENTS)
  find_package(PostgreSQL REQUIRED)
endif()
if("sqlite3" IN_LIST SOCI_FIND_COMPONENTS)
  find_package(SQLite3 REQUIRED)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS ${_soci_required} HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
  foreach(_backend IN LISTS SOCI_FIND_COMPONENTS)
    if(SOCI_${_backend}_FOUND)
      add_library(SOCI::${_backend} UNKNOWN IMPORTED)
      set_target_properties(SOCI::${_backend} PROPERTIES
        IMPORTED_LOCATION "${SOCI_${_backend}_LIBRARY}"
        INTERFACE_LINK_LIBRARIES SOCI::core)
      if(_backend STREQUAL "postgresql")
        set_property(TARGET SOCI::postgresql APPEND PROPERTY INTERFACE_LINK_LIBRARIES PostgreSQL::PostgreSQL)
      elseif(_backend STREQUAL "sqlite3")
        set_property(TARGET SOCI::sqlite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES SQLite::SQLite3)
      endif()
    endif()
  endforeach()
endif()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
