"""A small evaluator of ONNX graphs in numpy, for the tests: onnx 1.12 has no reference evaluator.

It walks graph.node in order (ONNX requires a topologically sorted graph), reading the initializers with
onnx.numpy_helper, and implements from the ONNX operator specification (opset 13) exactly the operators an nnk
export may use. Anything else is an error, so a graph with an operator the export should not write fails the test.
Computes in float64: the reference for float32 runtimes.
"""
import numpy as np
from onnx import numpy_helper


def _attributes(node):
    out = {}
    for a in node.attribute:
        if a.type == a.INT:
            out[a.name] = a.i
        elif a.type == a.FLOAT:
            out[a.name] = a.f
        else:
            raise ValueError(f"node {node.name}: attribute {a.name} of type {a.type} is not supported")
    return out


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    y = alpha * ((a.T if transA else a) @ (b.T if transB else b))
    return y if c is None else y + beta * c


def _softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


_OPERATORS = {
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "Div": lambda a, b: a / b,
    "Gemm": _gemm,
    "Relu": lambda x: np.maximum(x, 0.0),
    "Tanh": np.tanh,
    "Sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "Softmax": _softmax,
}


def evaluate(model, inputs):
    """inputs: {name: array}. Returns {output name: float64 array} for the graph's outputs."""
    graph = model.graph
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer}
    for value in graph.input:
        if value.name not in values:
            values[value.name] = np.asarray(inputs[value.name], dtype=np.float64)
    for node in graph.node:
        if node.domain not in ("", "ai.onnx"):
            raise ValueError(f"node {node.name}: domain {node.domain!r} is not the default ONNX domain")
        if node.op_type not in _OPERATORS:
            raise ValueError(f"node {node.name}: operator {node.op_type} is not one an nnk export may use")
        args = [values[name] for name in node.input]
        (output,) = node.output
        values[output] = _OPERATORS[node.op_type](*args, **_attributes(node))
    return {value.name: values[value.name] for value in graph.output}
