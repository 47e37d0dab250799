"""The importer's stage durations as `graph.bulk.import_phases` reads them from its output."""

import pytest

from graph.bulk import import_phases

OUTPUT = """(1/4) Node import 2026-12-03 08:50:20.100+0000
Node import COMPLETED in 2s 551ms
Relationship import COMPLETED in 1m 3s
(3/4) Relationship linking 2026-12-03 08:50:31.805+0000
Relationship linking COMPLETED in 577ms
Post processing COMPLETED in 1h 2m
IMPORT DONE in 1h 3m 8s 770ms. Imported:
"""


@pytest.mark.parametrize("key,seconds", [("node_import_s", 2.551), ("relationship_import_s", 63.0),
                                         ("relationship_linking_s", 0.577), ("post_processing_s", 3720.0),
                                         ("total_s", 3788.77)])
def test_every_unit_of_a_stage_duration_is_read(key, seconds):
    assert import_phases(OUTPUT)[key] == pytest.approx(seconds)


def test_a_stage_the_output_does_not_report_is_left_out():
    assert set(import_phases("Node import COMPLETED in 12ms\n")) == {"node_import_s"}
