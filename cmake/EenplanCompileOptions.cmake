# Warnings and sanitizers for every eenplan target, through one interface target.
add_library(eenplan_compile_options INTERFACE)
target_compile_options(eenplan_compile_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(EENPLAN_WERROR)
  target_compile_options(eenplan_compile_options INTERFACE -Werror)
endif()
if(EENPLAN_SANITIZE)
  # vptr is off: its checks need the typeinfo of SOCI's internal classes, which Debian's
  # libsoci_core does not export (undefined reference to typeinfo for ref_counted_statement).
  target_compile_options(eenplan_compile_options INTERFACE -fsanitize=address,undefined -fno-sanitize=vptr
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(eenplan_compile_options INTERFACE -fsanitize=address,undefined -fno-sanitize=vptr)
endif()
