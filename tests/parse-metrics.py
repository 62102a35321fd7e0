#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reads a Prometheus text exposition on stdin, parses it with the reference
parser (python3-prometheus-client) and prints one line per sample,
`family type name{label=value,...} value`, labels sorted. Exits 77 when the
parser is not installed, 1 when the text does not parse."""

import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("python3-prometheus-client is not installed", file=sys.stderr)
    sys.exit(77)

try:
    for family in text_string_to_metric_families(sys.stdin.read()):
        for sample in family.samples:
            labels = ",".join("%s=%s" % item for item in sorted(sample.labels.items()))
            print("%s %s %s{%s} %r" % (family.name, family.type, sample.name, labels, sample.value))
except Exception as error:  # the parser raises ValueError and others on bad input
    print("does not parse: %s" % error, file=sys.stderr)
    sys.exit(1)
