/*
 * json_in.h - a JSON snapshot (json_out.h's text, CONTRACT.md schema 1) back into a sealed
 * snapshot and its delta: the importer that lets a recording come through the same door as
 * a live collection (ncdu's JSON import beside its scanner), so every view works on it.
 *
 * Keys it does not know are ignored; a key missing or of the wrong type is read as unknown
 * (null); a value out of range is unknown too. Only text that is not a JSON object, or a
 * newer schema, is refused.
 */
#ifndef IPCTOP_JSON_IN_H
#define IPCTOP_JSON_IN_H

#include <stddef.h>

#include "src/diff.h"
#include "src/snapshot.h"

/* A new sealed snapshot (one reference) and, in *delta, the recorded events and rates (the
 * caller frees it with snapshot_delta_free; NULL when the text had no previous snapshot,
 * i.e. "interval" is null). NULL with a one-line reason in err when the text is refused. */
struct snapshot *json_in_snapshot(const char *text, size_t len, struct snapshot_delta **delta,
				  char *err, size_t errlen);

#endif
