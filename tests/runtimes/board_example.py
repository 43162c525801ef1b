import ann_ref

B = ann_ref.from_hex                      # a binary64 by its bits: exact on any board
x, y = [[0, 1, 0, 1], [0, 0, 1, 1]], [[0, 0, 0, 1]]
W = [[B("3fd999999999999a")], [B("3fc999999999999a")]]    # 0.4 and 0.2
states = ann_ref.train(x, y, W, 1, B("3fb999999999999a"), 100)     # b = 1, a = 0.1
W, b = states[-1]
print(ann_ref.hex_bits(b), ann_ref.predict(W, b, x))
print(ann_ref.hex_bits(ann_ref.exp(1)), ann_ref.hex_bits(ann_ref.sigmoid(-2)))
print(ann_ref.hex_bits(10 ** 39))         # an int is exact; 1e39 is inf in binary32
for a in (float("inf"), 10 ** 400):
    try:
        ann_ref.train(x, y, W, b, a, 1)
    except ValueError as e:
        print(e)
