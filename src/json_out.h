/*
 * json_out.h - a snapshot as the JSON object of ../shared/CONTRACT.md (schema 1).
 *
 * Every list is present (possibly empty); an unknown value is null; signals are lists of
 * names; objects are named by their CONTRACT ids. Extensions (keys CONTRACT.md does not name,
 * never replacing one it does): processes[].cmdline/threads/sigq/..., "rates" on channels
 * (null without a previous snapshot), "events" (what changed since the previous snapshot),
 * "threads", "misc_fds", "stalls", "duration", "sysroot".
 */
#ifndef IPCTOP_JSON_OUT_H
#define IPCTOP_JSON_OUT_H

#include <stdio.h>

#include <json-c/json.h>

#include "src/snapshot.h"

struct snapshot_delta;

#define JSON_OUT_SCHEMA 1

/* A new JSON object (the caller json_object_put()s it). delta may be NULL: rates are null
 * and events empty. */
struct json_object *json_out_snapshot(const struct snapshot *s, const struct snapshot_delta *delta);

/* Writes the object as one line and a newline, then flushes. 0, or -1 on a write error. */
int json_out_write(FILE *out, const struct snapshot *s, const struct snapshot_delta *delta);

#endif
