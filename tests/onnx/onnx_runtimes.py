"""The ONNX runtimes the tests run an exported graph in: onnx_graph_evaluator.py (numpy, always) and OpenCV's dnn
module, a real runtime, where Debian's python3-opencv is installed."""
import numpy as np

from onnx_graph_evaluator import evaluate


def _opencv_outputs(path, x):
    try:
        import cv2
    except ImportError:
        return None
    net = cv2.dnn.readNetFromONNX(path)
    net.setInput(x)
    return cv2.__version__, net.forward().astype(np.float64)


def run_graph(path, model, x):
    """[(runtime name, the graph's single output for the rows of x, float64)] for each runtime available."""
    (output,) = model.graph.output
    runs = [("numpy evaluator", evaluate(model, {"features": x})[output.name])]
    opencv = _opencv_outputs(path, x)
    if opencv is not None:
        runs.append(("OpenCV dnn " + opencv[0], opencv[1]))
    return runs
