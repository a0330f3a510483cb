/* SPDX-License-Identifier: MIT */
/*
 * The request types' table, made from proto/requests.def (see reqtable.h).
 */
#include "reqtable.h"

const ex_req_type_t EX_REQ_TYPES[EX_REQ_COUNT] = {
#define EX_REQUEST(REQUEST, REPLY, name, flags)                                                    \
    [EX_REQ_##REQUEST] = {EXEMPLAR__REQUEST__BODY_##REQUEST, EXEMPLAR__REPLY__BODY_##REPLY, name,  \
                          flags},
#include "requests.def"
#undef EX_REQUEST
};

int ex_req_index(Exemplar__Request__BodyCase request)
{
    for (int i = 0; i < EX_REQ_COUNT; i++)
        if (EX_REQ_TYPES[i].request == request)
            return i;
    return -1;
}
