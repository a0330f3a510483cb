/* SPDX-License-Identifier: MIT */
/*
 * Which state directory exemplarctl's offline tools (backup, restore,
 * export, import) work on when --state-dir is not given: the one of the
 * daemon the api default points at, found by the same rules (statedir.c).
 */
#ifndef EXEMPLARCTL_STATEDIR_H
#define EXEMPLARCTL_STATEDIR_H

#include <stddef.h>

#include "ctl.h"
#include "options.h"

/* Where the packaged exemplard reads its configuration, and the state
 * directory systemd gives it (StateDirectory=exemplard). */
#define STATEDIR_SYSTEM_CONFIG "/etc/exemplard/exemplard.conf"
#define STATEDIR_SYSTEM_DIR    "/var/lib/exemplard"

/* The state directory, first rule that applies:
 *  1. --state-dir DIR (a->opt[OPT_STATE_DIR]);
 *  2. [daemon] state_dir of the file $EXEMPLAR_CONFIG names;
 *  3. the api endpoint in use (--api, else ex_default_endpoint(): $EXEMPLAR_API,
 *     the system service's socket, ./exemplar-state/api.sock), when it is
 *     ipc://DIR/api.sock and DIR holds an LMDB environment (data.mdb): the
 *     daemon's default sockets live in its state directory;
 *  4. [daemon] state_dir of /etc/exemplard/exemplard.conf, else
 *     /var/lib/exemplard (the system service's).
 * Writes the directory into buf and, when why is not NULL, a short phrase
 * saying which rule chose it ("--state-dir", "the api endpoint ipc://…").
 * Returns buf. */
const char *ctl_find_state_dir(const ctl_t *ctl, const ctl_args_t *a, char *buf, size_t len,
                               char *why, size_t whylen);

/* exemplarctl state-dir: prints the directory and the rule that chose it. */
int cmd_state_dir(ctl_t *ctl, const ctl_args_t *a);

#endif
