/* SPDX-License-Identifier: MIT */
/*
 * What a command of exemplarctl is: a handler called with the run and its
 * parsed command line, and the row of the command table (commands.c) that
 * names it, documents it and says which options and how many arguments it
 * takes.  Every cmd_NAME.h declares handlers of this type, and includes
 * with this header all a command may build on: the bottom layer, ctl.h
 * (the run), options.h and output.h.  No command includes another's.
 *
 * A handler returns the process's exit status (errors.h: EXIT_*); it
 * reports its own errors through ctl_usage() and ctl_fail*() (ctl.h) and
 * never exits.  main.c has checked the number of positional arguments
 * against min_args and max_args before the call.
 */
#ifndef EXEMPLARCTL_CMD_H
#define EXEMPLARCTL_CMD_H

#include "ctl.h"
#include "options.h"
#include "output.h"

typedef int ctl_handler_t(ctl_t *ctl, const ctl_args_t *a);

/* One row of CMD_TABLE: it drives dispatch and the manual alike. */
typedef struct {
    const char *name;
    const char *args;    /* synopsis after the name */
    const char *summary; /* one line */
    ctl_handler_t *handler;
    int min_args, max_args;    /* positional arguments */
    const ctl_cmd_opt_t *opts; /* terminated by a zero key */
    const char *details;       /* paragraph(s) for `help COMMAND` */
    int unit_arg;              /* positional argument (1-based) that is a unit code; 0: none */
} ctl_cmd_t;

#endif
