/*
 * openmetrics_out.h - a sealed snapshot as metrics for Prometheus (`--format openmetrics`,
 * `--textfile DIR`; names, labels and bounds in doc/CONTRACT.md).
 *
 * The text is at once OpenMetrics 1.0 (HELP, TYPE, UNIT lines, `# EOF`) and the Prometheus
 * text format 0.0.4 that the node exporter's textfile collector and `promtool check metrics`
 * parse: every family is a gauge (state at one instant: no counters, so no `_total`), an
 * info family is a gauge named `..._info` with the value 1 (as `prometheus_build_info`), and
 * the UNIT and EOF lines are comments to the older parser. No sample carries a timestamp
 * (the textfile collector refuses them). Traffic rates are not exported.
 *
 * Bounded whatever the machine holds: per-object series for at most OPENMETRICS_TOP objects
 * of each kind (the fullest), stalls and deadlocks; the rest only in per-kind aggregates.
 *
 * Label values are valid UTF-8 whatever bytes a name holds (openmetrics_out_label_value).
 */
#ifndef IPCTOP_OPENMETRICS_OUT_H
#define IPCTOP_OPENMETRICS_OUT_H

#include <stdio.h>

#include "src/snapshot.h"

/* Per-object series for at most this many objects of each kind, stalls and deadlocks. */
#define OPENMETRICS_TOP 20

/* The number of series the output can hold, at most: 20 per-object families, stalls and
 * deadlocks (22) times OPENMETRICS_TOP, 48 fixed series, one ipctop_source_up per probe. */
#define OPENMETRICS_MAX_SERIES(n_sources) (22 * OPENMETRICS_TOP + 48 + (n_sources))

/* The snapshot as metrics, ending in "# EOF\n". Returns 0, or -1 on a write error (out is
 * flushed). */
int openmetrics_out_write(FILE *out, const struct snapshot *s);

/*
 * A label value in double quotes. Bytes that are not valid UTF-8, ASCII control characters
 * (0x00-0x1f, 0x7f), C1 controls (U+0080-U+009F) and '%' itself are written as %XX (upper
 * case hex of each byte); then '\' and '"' are escaped with a backslash as the formats say.
 * Undoing the backslash escapes, then replacing every %XX by its byte gives the name back.
 */
void openmetrics_out_label_value(FILE *out, const char *value);

#endif
