"""The pretrained sentence encoder (all-MiniLM-L6-v2 on onnxruntime): weights, graph, runtime and checks."""
