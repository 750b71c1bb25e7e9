"""Express the BERT encoder of all-MiniLM-L6-v2 as an ONNX graph over the verified weights.

Nothing is trained or changed here: the graph computes BERT's forward pass (embeddings, 6 layers of
self-attention and feed-forward, exact erf GELU) and sentence-transformers' mean pooling plus L2
normalisation, so onnxruntime can run the published model without PyTorch.
"""

from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
MASK_FILL = -10000.0


class _Builder:
    """Collects nodes and initialisers with unique names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initialisers: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initialisers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], **attributes: object) -> str:
        self._count += 1
        output = f"{kind.lower()}_{self._count}"
        self.nodes.append(helper.make_node(kind, inputs, [output], **attributes))
        return output

    def linear(self, x: str, weight: np.ndarray, bias: np.ndarray, name: str) -> str:
        """x @ weight.T + bias (PyTorch stores Linear weights as [out, in])."""
        product = self.op("MatMul", [x, self.const(f"{name}.w", weight.T.astype(np.float32))])
        return self.op("Add", [product, self.const(f"{name}.b", bias)])

    def layer_norm(self, x: str, tensors: dict[str, np.ndarray], prefix: str, epsilon: float) -> str:
        scale = self.const(f"{prefix}.gamma", tensors[f"{prefix}.weight"])
        shift = self.const(f"{prefix}.beta", tensors[f"{prefix}.bias"])
        return self.op("LayerNormalization", [x, scale, shift], axis=-1, epsilon=epsilon)


def _attention(b: _Builder, x: str, mask_bias: str, t: dict[str, np.ndarray], prefix: str, heads: int) -> str:
    """Multi-head self-attention with one fused Q/K/V projection."""
    hidden = t[f"{prefix}.query.weight"].shape[0]
    size = hidden // heads
    weight = np.concatenate([t[f"{prefix}.{part}.weight"] for part in ("query", "key", "value")])
    bias = np.concatenate([t[f"{prefix}.{part}.bias"] for part in ("query", "key", "value")])
    qkv = b.linear(x, weight, bias, f"{prefix}.qkv")
    split = b.const(f"{prefix}.split", np.array([hidden] * 3, dtype=np.int64))
    b._count += 1
    names = [f"{prefix}.{part}_{b._count}" for part in ("q", "k", "v")]
    b.nodes.append(helper.make_node("Split", [qkv, split], names, axis=-1))
    heads_shape = b.const(f"{prefix}.heads_shape", np.array([0, 0, heads, size], dtype=np.int64))
    query, key, value = (b.op("Reshape", [name, heads_shape]) for name in names)
    query = b.op("Transpose", [query], perm=[0, 2, 1, 3])
    key = b.op("Transpose", [key], perm=[0, 2, 3, 1])
    value = b.op("Transpose", [value], perm=[0, 2, 1, 3])
    scores = b.op("MatMul", [query, key])
    scale = b.const(f"{prefix}.scale", np.array(1.0 / math.sqrt(size), dtype=np.float32))
    scores = b.op("Add", [b.op("Mul", [scores, scale]), mask_bias])
    context = b.op("MatMul", [b.op("Softmax", [scores], axis=-1), value])
    context = b.op("Transpose", [context], perm=[0, 2, 1, 3])
    merged = b.const(f"{prefix}.merged_shape", np.array([0, 0, hidden], dtype=np.int64))
    return b.op("Reshape", [context, merged])


def _gelu(b: _Builder, x: str, name: str) -> str:
    """Exact GELU: x * 0.5 * (1 + erf(x / sqrt(2)))."""
    inner = b.op("Erf", [b.op("Div", [x, b.const(f"{name}.sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))])])
    one = b.const(f"{name}.one", np.array(1.0, dtype=np.float32))
    half = b.const(f"{name}.half", np.array(0.5, dtype=np.float32))
    return b.op("Mul", [b.op("Mul", [x, half]), b.op("Add", [inner, one])])


def build_graph(tensors: dict[str, np.ndarray], config: dict) -> onnx.ModelProto:
    """The encoder as an ONNX model: (input_ids, attention_mask) -> (token_states, sentence_embedding)."""
    b = _Builder()
    epsilon = float(config.get("layer_norm_eps", 1e-12))
    heads = int(config["num_attention_heads"])
    # Word embeddings plus position embeddings plus the (always zero) token type embedding.
    words = b.op("Gather", [b.const("word_embeddings", tensors["embeddings.word_embeddings.weight"]), "input_ids"])
    ones = b.op("ConstantOfShape", [b.op("Shape", ["input_ids"])],
                value=helper.make_tensor("one", TensorProto.INT64, [1], [1]))
    axis = b.const("position_axis", np.array(1, dtype=np.int64))
    positions = b.op("Sub", [b.op("CumSum", [ones, axis]), b.const("first", np.array(1, dtype=np.int64))])
    position_table = b.const("position_embeddings", tensors["embeddings.position_embeddings.weight"])
    token_type = b.const("token_type_embedding", tensors["embeddings.token_type_embeddings.weight"][0])
    embedded = b.op("Add", [b.op("Add", [words, b.op("Gather", [position_table, positions])]), token_type])
    x = b.layer_norm(embedded, tensors, "embeddings.LayerNorm", epsilon)
    # Padding positions get a large negative attention score.
    mask = b.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    unsqueezed = b.op("Unsqueeze", [mask, b.const("mask_axes", np.array([1, 2], dtype=np.int64))])
    one = b.const("mask_one", np.array(1.0, dtype=np.float32))
    mask_bias = b.op("Mul", [b.op("Sub", [one, unsqueezed]), b.const("mask_fill", np.array(MASK_FILL, np.float32))])
    for index in range(int(config["num_hidden_layers"])):
        layer = f"encoder.layer.{index}"
        attended = _attention(b, x, mask_bias, tensors, f"{layer}.attention.self", heads)
        projected = b.linear(attended, tensors[f"{layer}.attention.output.dense.weight"],
                             tensors[f"{layer}.attention.output.dense.bias"], f"{layer}.attention.output")
        x = b.layer_norm(b.op("Add", [projected, x]), tensors, f"{layer}.attention.output.LayerNorm", epsilon)
        inner = b.linear(x, tensors[f"{layer}.intermediate.dense.weight"],
                         tensors[f"{layer}.intermediate.dense.bias"], f"{layer}.intermediate")
        outer = b.linear(_gelu(b, inner, f"{layer}.gelu"), tensors[f"{layer}.output.dense.weight"],
                         tensors[f"{layer}.output.dense.bias"], f"{layer}.output")
        x = b.layer_norm(b.op("Add", [outer, x]), tensors, f"{layer}.output.LayerNorm", epsilon)
    b.nodes.append(helper.make_node("Identity", [x], ["token_states"]))
    # Mean over real tokens, then unit length (sentence-transformers' Pooling + Normalize).
    weights = b.op("Unsqueeze", [mask, b.const("pool_axis", np.array([2], dtype=np.int64))])
    axis1 = b.const("reduce_axis", np.array([1], dtype=np.int64))
    summed = b.op("ReduceSum", [b.op("Mul", [x, weights]), axis1], keepdims=0)
    counts = b.op("Max", [b.op("ReduceSum", [weights, axis1], keepdims=0), b.const("tiny", np.array(1e-9, np.float32))])
    pooled = b.op("Div", [summed, counts])
    norm = b.op("ReduceL2", [pooled], axes=[1], keepdims=1)
    norm = b.op("Max", [norm, b.const("norm_floor", np.array(1e-12, np.float32))])
    b.nodes.append(helper.make_node("Div", [pooled, norm], ["sentence_embedding"]))
    hidden = int(config["hidden_size"])
    graph = helper.make_graph(
        b.nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
         for name in ("input_ids", "attention_mask")],
        [helper.make_tensor_value_info("token_states", TensorProto.FLOAT, ["batch", "sequence", hidden]),
         helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])],
        b.initialisers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="haven")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
