import subprocess
import sys

import pytest
from pydantic import ValidationError

from graph import schema
from graph.model import (Campaign, Department, Federation, KnowledgeGraph, Relationship, SchemaError, node_id,
                         node_from_properties)
from graph_samples import document_graph


def test_ids_are_deterministic_and_readable():
    a = Federation(name="长沙市望城区妇联", level="county")
    b = Federation(name=" 长沙市望城区妇联", level="county", aliases=["望城区妇联"])
    assert a.id == b.id == "fed:长沙市望城区妇联"
    assert node_id("Campaign", "美丽 庭院") == "campaign:美丽庭院"


def test_ids_are_the_same_in_another_process():
    code = "from graph.model import Campaign; print(Campaign(name='家家幸福安康工程').id)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""}, cwd=str(__import__("conftest").ROOT))
    assert out.stdout.strip() == Campaign(name="家家幸福安康工程").id


def test_departments_are_scoped():
    a = Department(name="民政部门", scope="岳阳市")
    b = Department(name="民政部门", scope="常德市")
    assert a.id != b.id


def test_building_twice_gives_the_same_graph():
    a, b = document_graph(), document_graph()
    assert a.counts() == b.counts()
    assert sorted(a.nodes) == sorted(b.nodes) and sorted(a.relationships) == sorted(b.relationships)


def test_adding_twice_merges_aliases_not_nodes():
    kg = KnowledgeGraph()
    kg.add_node(Campaign(name="美丽庭院", aliases=["美丽庭院创建"]))
    kg.add_node(Campaign(name="美丽庭院", aliases=["“美丽庭院”创建工程"]))
    assert len(kg.nodes) == 1
    assert kg.nodes["campaign:美丽庭院"].aliases == ["“美丽庭院”创建工程", "美丽庭院创建"]


@pytest.mark.parametrize("make, message", [
    (lambda: Federation(name="  "), "name must not be empty"),
    (lambda: Federation(name="某妇联", level="city"), "level must be one of"),
    (lambda: Relationship(type="IMPLEMENTS", start_id="law:x", start_label="Law", end_id="fed:y",
                          end_label="Federation", doc_id="doc:a", year=2022, evidence="e", start=0, end=1,
                          rule="r"), "IMPLEMENTS cannot go Law->Federation"),
    (lambda: Relationship(type="OWNS", start_id="a", start_label="Law", end_id="b", end_label="Law"),
     "unknown relationship type 'OWNS'"),
    (lambda: Relationship(type="IMPLEMENTS", start_id="fed:x", start_label="Federation", end_id="campaign:y",
                          end_label="Campaign"), "lacks provenance: doc_id, year, evidence, start, end, rule"),
    (lambda: Relationship(type="IMPLEMENTS", start_id="fed:x", start_label="Federation", end_id="campaign:y",
                          end_label="Campaign", doc_id="d", year=2022, evidence="e", start=5, end=1, rule="r"),
     "evidence offsets out of order"),
])
def test_invalid_records_are_rejected_with_a_clear_message(make, message):
    with pytest.raises(ValidationError) as err:
        make()
    assert message in str(err.value)


def test_relationship_to_unknown_node_is_rejected():
    kg = KnowledgeGraph()
    with pytest.raises(SchemaError, match="unknown node 'campaign:x'"):
        kg.add_relationship(Relationship(type="PART_OF", start_id="campaign:x", start_label="Region",
                                         end_id="region:1", end_label="Region", rule="gazetteer"))


def test_unknown_label_is_rejected():
    with pytest.raises(SchemaError, match="unknown node label 'Thing'"):
        node_id("Thing", "x")
    with pytest.raises(SchemaError, match="unknown node label"):
        node_from_properties({"label": "Thing", "name": "x"})


def test_schema_description_lists_every_label_and_type():
    text = schema.describe()
    for label in schema.NODE_LABELS:
        assert f"| {label} |" in text
    for rel_type in schema.REL_TYPES:
        assert f"| {rel_type} |" in text


def test_every_relationship_in_a_sample_fits_the_schema():
    kg = document_graph()
    for r in kg.relationships.values():
        assert schema.allowed(r.type, kg.nodes[r.start_id].label, kg.nodes[r.end_id].label)
