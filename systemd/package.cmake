# SPDX-License-Identifier: MIT
#
# The Debian package (CPack DEB), from the top-level directory:
#
#   cmake -S . -B build && cmake --build build -j2 && (cd build && cpack)
#
# makes build/exemplar_<version>_<arch>.deb: exemplard, exemplarctl, the units,
# the sysusers.d/tmpfiles.d entries, /etc/exemplard/exemplard.conf (a
# conffile), the manual pages, the bash and zsh completions, the Vietnamese message
# catalogue (/usr/share/locale/vi/LC_MESSAGES/exemplar.mo) and the default
# data for administrators (/usr/share/exemplar: campaigns, unit lists, rule
# book; the daemon has them compiled in).  Its maintainer scripts
# (systemd/debian/) create the exemplard user and directories, enable and
# start exemplard.service on the first installation, restart it on upgrade
# when it runs, and stop and disable it on removal.  The state in
# /var/lib/exemplard is kept even on purge: it is the nominations' record.
#
# Included from the top-level CMakeLists.txt, after add_subdirectory(systemd),
# so that these variables are set where include(CPack) reads them.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME exemplar)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Exemplar maintainers <exemplar@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "workflow daemon for the nominations of the exemplar programme")
set(CPACK_PACKAGE_DESCRIPTION
    "exemplard keeps the nominations of an exemplar programme (điển hình tiên tiến) as
durable, auditable state in LMDB and moves them through their lifecycle on
request over ZeroMQ; exemplarctl is its command line.  An acknowledged change
survives a crash, a retried request never applies twice, and every change is
published in order to subscribers.  Runs as a hardened systemd service.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Install with DESTDIR and the real prefix, so that the paths written into
# the units at install time (systemd/CMakeLists.txt) are /usr/..., and
# /etc/exemplard lands in the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps adds every shared library the binaries link, with the
# minimum versions they need (libzmq5, liblmdb0, libprotobuf-c1, libsystemd0,
# libinih1, libjson-c5, libutf8proc2, libcsv3, libyaml-0-2, libc6);
# tests/systemd checks the list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
