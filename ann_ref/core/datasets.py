"""The article's example and the logic gates, in the article's shapes."""

X_GATES = [[0, 1, 0, 1], [0, 0, 1, 1]]      # the four input pairs, one per column

GATES = {
    "and": [[0, 0, 0, 1]],
    "or": [[0, 1, 1, 1]],
    "nand": [[1, 1, 1, 0]],
    "nor": [[1, 0, 0, 0]],
    "xor": [[0, 1, 1, 0]],                   # not linearly separable: never converges
}

# the article's run: AND, W = [0.4, 0.2]ᵀ, b = 1, a = 0.1, 1000 iterations
ARTICLE = {
    "x": X_GATES,
    "y": GATES["and"],
    "W": [[0.4], [0.2]],
    "b": 1,
    "learning_rate": 0.1,
    "iterations": 1000,
}
