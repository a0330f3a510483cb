# SPDX-License-Identifier: MIT
#
# The Debian package (CPack DEB), from the top-level directory:
#
#   cmake -S . -B build && cmake --build build -j2 && (cd build && cpack)
#
# makes build/exemplar_<version>_<arch>.deb: exemplard, exemplarctl, the
# workers, the units, the sysusers.d/tmpfiles.d entries,
# /etc/exemplard/exemplard.conf (a conffile), the manual pages, the bash
# and zsh completions, the Vietnamese message catalogue
# (/usr/share/locale/vi/LC_MESSAGES/exemplar.mo) and the default data for
# administrators (/usr/share/exemplar: campaigns, unit lists, rule book; the
# daemon has them compiled in); and build/exemplar-dbgsym_<version>_<arch>.ddeb
# with the debug information of the (stripped) binaries, by build id
# (/usr/lib/debug/.build-id/xx/yyyy.debug), which gdb finds by itself.
#
# Debian's files come from systemd/debian/: the maintainer scripts (postinst,
# prerm, postrm: what they do is said at their top), conffiles, copyright
# (DEP-5; the licence is LICENSE's), changelog (installed as
# changelog.Debian.gz) and exemplar.lintian-overrides (each tag with its
# reason); docs.cmake puts the last three in the package when cpack runs,
# sections.cmake and dbgsym.cmake finish the binaries and the -dbgsym package
# as dh_strip would.
# `lintian build/exemplar_*.deb` reports no error or warning (test systemd.lintian),
# nor, with EXEMPLAR_HARDENING (the default), any hardening tag.
#
# The version is the changelog's latest entry, whose upstream part must be the
# project's version: add an entry there (dch -v 0.2.0-1) when either changes.
# -DEXEMPLAR_PACKAGE_VERSION=..., or `cpack -D CPACK_DEBIAN_PACKAGE_VERSION=...`,
# builds another version (with an UNRELEASED changelog entry saying so): the
# upgrade test (tests/systemd/test_deb_lifecycle.sh) builds two that way.
#
# Included from the top-level CMakeLists.txt, after add_subdirectory(systemd),
# so that these variables are set where include(CPack) reads them.
#
# Another package from this build (python3-exemplar, say): install its files
# with COMPONENT <name>; then set, in the shared block below,
#   CPACK_DEB_COMPONENT_INSTALL ON, CPACK_COMPONENTS_ALL "Unspecified;<name>"
#   and CPACK_DEBIAN_UNSPECIFIED_PACKAGE_NAME exemplar
# (the files installed without a component stay the exemplar package), move
# the exemplar block's CPACK_DEBIAN_PACKAGE_{SECTION,SHLIBDEPS,RECOMMENDS,
# CONTROL_EXTRA} to CPACK_DEBIAN_UNSPECIFIED_* (un-prefixed, they are every
# component's defaults: the other package would get exemplard's maintainer
# scripts), and give <name> its CPACK_DEBIAN_<NAME>_{PACKAGE_NAME,DESCRIPTION,
# PACKAGE_ARCHITECTURE,PACKAGE_DEPENDS,PACKAGE_SECTION}.  docs.cmake and
# dbgsym.cmake handle components already (`cpack -D CPACK_DEB_COMPONENT_INSTALL=ON
# -D CPACK_COMPONENTS_ALL=Unspecified -D CPACK_DEBIAN_UNSPECIFIED_PACKAGE_NAME=exemplar`
# makes the same exemplar package); a
# systemd/debian/<package>.lintian-overrides is installed when present.

set(EXEMPLAR_MAINTAINER "Exemplar maintainers <exemplar@example.org>" CACHE STRING
    "the Maintainer of the Debian package, \"Name <address>\"")
set(EXEMPLAR_PACKAGE_VERSION "" CACHE STRING
    "the Debian package's version (empty: the latest entry of systemd/debian/changelog)")

file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/debian/changelog _exemplar_changelog_head LIMIT_COUNT 1)
# (a new entry configures again)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_LIST_DIR}/debian/changelog)
if(NOT _exemplar_changelog_head MATCHES "^exemplar \\(([^ )]+)\\)")
  message(FATAL_ERROR "systemd/debian/changelog does not start with 'exemplar (VERSION)'")
endif()
set(_exemplar_changelog_version ${CMAKE_MATCH_1})
string(REGEX REPLACE "-[^-]*$" "" _exemplar_upstream ${_exemplar_changelog_version})
if(NOT _exemplar_upstream STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "systemd/debian/changelog's latest entry is ${_exemplar_changelog_version}, "
                      "but the project's version is ${PROJECT_VERSION}: add an entry for "
                      "${PROJECT_VERSION}-1 to the changelog")
endif()

# ---- what every package of this build shares --------------------------------------

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME exemplar)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
if(EXEMPLAR_PACKAGE_VERSION)
  set(CPACK_DEBIAN_PACKAGE_VERSION ${EXEMPLAR_PACKAGE_VERSION})
else()
  set(CPACK_DEBIAN_PACKAGE_VERSION ${_exemplar_changelog_version})
endif()
set(CPACK_PACKAGE_CONTACT "${EXEMPLAR_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${EXEMPLAR_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Install with DESTDIR and the real prefix, so that the paths written into
# the units at install time (systemd/CMakeLists.txt) are /usr/..., and
# /etc/exemplard lands in the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Binaries stripped (objcopy --strip-unneeded) with a GNU debuglink, their
# debug information in <package>-dbgsym_<version>_<arch>.ddeb; before that,
# sections.cmake drops the sections dh_strip drops.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
find_program(EXEMPLAR_OBJCOPY objcopy REQUIRED)
set(CPACK_EXEMPLAR_OBJCOPY ${EXEMPLAR_OBJCOPY})
# copyright, changelog.Debian.gz and lintian overrides of each package.
find_program(EXEMPLAR_GZIP gzip REQUIRED)
set(CPACK_EXEMPLAR_GZIP ${EXEMPLAR_GZIP})
set(CPACK_EXEMPLAR_DEBIAN_DIR ${CMAKE_CURRENT_LIST_DIR}/debian)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/debian/sections.cmake
                            ${CMAKE_CURRENT_LIST_DIR}/debian/docs.cmake)
# The -dbgsym package's md5sums and documentation, as dh_strip makes them.
find_program(EXEMPLAR_DPKG_DEB dpkg-deb REQUIRED)
set(CPACK_EXEMPLAR_DPKG_DEB ${EXEMPLAR_DPKG_DEB})
set(CPACK_POST_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/debian/dbgsym.cmake)

# ---- exemplar: the daemon, its command line, the workers, the units -----------------

set(CPACK_DEBIAN_PACKAGE_NAME exemplar)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "workflow daemon for the nominations of the exemplar programme")
set(CPACK_PACKAGE_DESCRIPTION
    "exemplard keeps the nominations of an exemplar programme (điển hình
tiên tiến) as durable, auditable state in LMDB and moves them through their
lifecycle on request over ZeroMQ; exemplarctl is its command line, and
exemplar-remind and exemplar-summary deliver its deadline reminders and
quarterly summaries.  An acknowledged change survives a crash, a retried
request never applies twice, and every change is published in order to
subscribers.  Runs as hardened systemd services.")
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
