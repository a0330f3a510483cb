/* SPDX-License-Identifier: MIT */
/*
 * The request types (proto/requests.def) as a C table, for the daemon's
 * request table (daemon/api.c extends each row with its handler and roles)
 * and the C client (the reply body each request calls for).
 */
#ifndef EXEMPLAR_REQTABLE_H
#define EXEMPLAR_REQTABLE_H

#include <stddef.h>

#include "wire.pb-c.h"

enum {
    EX_REQ_WRITES = 1,      /* a change of the data: request id required, answer remembered */
    EX_REQ_ID_OPTIONAL = 2, /* a change whose body identifies it: request id optional */
    EX_REQ_DERIVED = 4,     /* a read that may write derived data */
};

/* One row of the table per request type, in the order of requests.def. */
enum {
#define EX_REQUEST(REQUEST, REPLY, name, flags) EX_REQ_##REQUEST,
#include "requests.def"
#undef EX_REQUEST
    EX_REQ_COUNT
};

typedef struct {
    Exemplar__Request__BodyCase request;
    Exemplar__Reply__BodyCase reply; /* the body a success answers with */
    const char *name;
    unsigned flags; /* EX_REQ_* */
} ex_req_type_t;

/* EX_REQ_COUNT rows, indexed by EX_REQ_*. */
extern const ex_req_type_t EX_REQ_TYPES[EX_REQ_COUNT];

/* The index in EX_REQ_TYPES of a request body, or -1 when no row has it. */
int ex_req_index(Exemplar__Request__BodyCase request);

#endif
