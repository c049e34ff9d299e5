"""OpenCV's dnn module as a second, real ONNX runtime for the tests, where Debian's python3-opencv is installed."""
import numpy as np


def opencv_outputs(path, x):
    """(OpenCV's version, the graph's single output for the rows of x as float64), or None without OpenCV."""
    try:
        import cv2
    except ImportError:
        return None
    net = cv2.dnn.readNetFromONNX(path)
    net.setInput(x)
    return cv2.__version__, net.forward().astype(np.float64)
