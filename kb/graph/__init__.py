"""Industry-chain graph: the public API in one import (``from kb.graph import ...``).

The work is split by job: vocabulary and ids (:mod:`kb.graph.schema`), building from the corpus
(:mod:`kb.graph.build`), persistence (:mod:`kb.graph.io`), merging the public chain graph
(:mod:`kb.graph.chainkg`), queries (:mod:`kb.graph.query`, :mod:`kb.graph.neighbourhood`) and the
picture (:mod:`kb.graph.render`, imported on its own because it pulls in matplotlib).
"""

from kb.graph.build import build_graph, build_graph_from_dir
from kb.graph.chainkg import ChainKgStats, import_chainkg, segment_links
from kb.graph.io import load_graph, save_graph
from kb.graph.neighbourhood import GraphItem, SegmentInfo, SegmentNeighbourhood, segment_neighbourhood
from kb.graph.query import (
                            ChainPath,
                            GraphQueryError,
                            Hop,
                            Peer,
                            central_nodes,
                            chain_path,
                            chain_stage,
                            downstream,
                            peers,
                            upstream,
)
from kb.graph.schema import (
                            EDGE_TYPES,
                            FLOW_TYPES,
                            NODE_TYPES,
                            add_edge,
                            add_node,
                            edge_counts,
                            new_graph,
                            node_counts,
                            node_id,
                            nodes_of_type,
                            norm_name,
                            seg_id,
)

__all__ = [
    "EDGE_TYPES", "FLOW_TYPES", "NODE_TYPES", "ChainKgStats", "ChainPath", "GraphItem", "GraphQueryError", "Hop",
    "Peer", "SegmentInfo", "SegmentNeighbourhood", "add_edge", "add_node", "build_graph", "build_graph_from_dir",
    "central_nodes", "chain_path", "chain_stage", "downstream", "edge_counts", "import_chainkg", "load_graph",
    "new_graph", "node_counts", "node_id", "nodes_of_type", "norm_name", "peers", "save_graph", "seg_id",
    "segment_links", "segment_neighbourhood", "upstream",
]
