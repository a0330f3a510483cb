/* SPDX-License-Identifier: MIT */
/*
 * The routes of exemplar-web and their pages (pages.c).
 */
#ifndef EXEMPLAR_WEB_PAGES_H
#define EXEMPLAR_WEB_PAGES_H

#include <microhttpd.h>
#include <stddef.h>

#include "context.h"

/* The MHD access handler. */
enum MHD_Result pages_handle(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **con_cls);
void pages_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                     enum MHD_RequestTerminationCode toe);
int pages_init(const web_config_t *cfg);

#endif
