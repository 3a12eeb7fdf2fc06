# Install-time part of deploy/CMakeLists.txt: one systemd unit (EENPLAN_UNIT_SOURCE), its
# /usr/local/bin/ and /usr/local/share/doc/eenplan/ replaced by the bin and doc directories of the
# prefix being installed into (CMAKE_INSTALL_PREFIX here is `cmake --install --prefix`'s), written
# to EENPLAN_UNIT_STAGING and installed from there (so DESTDIR and install_manifest.txt apply).
function(eenplan_full_dir out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
eenplan_full_dir(bindir "${EENPLAN_BINDIR}")
eenplan_full_dir(docdir "${EENPLAN_DOCDIR}")
eenplan_full_dir(unitdir "${EENPLAN_UNIT_DIR}")
file(READ "${EENPLAN_UNIT_SOURCE}" text)
string(REPLACE "/usr/local/bin/" "${bindir}/" text "${text}")
string(REPLACE "/usr/local/share/doc/eenplan/" "${docdir}/" text "${text}")
file(WRITE "${EENPLAN_UNIT_STAGING}" "${text}")
file(INSTALL DESTINATION "${unitdir}" TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${EENPLAN_UNIT_STAGING}")
